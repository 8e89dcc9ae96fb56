package io.ringtrain.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SoftmaxSimd} against {@link SoftmaxReference}. The vector exp is within ~1 ulp of
 * Math.exp and the row sum is added in another order, so softmax may differ by
 * |ours − ref| ≤ 1e-5·√cols·|ref| (relative), and log-softmax by 1e-5·√cols·(1 + |ref|).
 * Inputs span [−20, 20] so the exponentials cover many orders of magnitude.
 */
class SoftmaxSimdTest {
    private static final int ROWS = 3, OFF = 5, OUT_OFF = 2;

    private static float[] logits(long seed, int length) {
        Random random = new Random(seed);
        float[] x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (random.nextFloat() * 2f - 1f) * 20f;
        return x;
    }

    @ParameterizedTest(name = "cols={0}")
    @ValueSource(ints = {1, 7, 33, 1023})
    void softmaxMatchesTheReference(int cols) {
        float[] x = logits(cols, OFF + ROWS * cols + 3);
        float[] expected = new float[OUT_OFF + ROWS * cols + 3], actual = expected.clone();
        SoftmaxReference.rowsSoftmax(x, OFF, ROWS, cols, expected, OUT_OFF);
        SoftmaxSimd.rowsSoftmax(x, OFF, ROWS, cols, actual, OUT_OFF);
        double relative = 1e-5 * Math.sqrt(cols);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= relative * Math.abs(expected[i]))) {
                fail("softmax cols=" + cols + " index " + i + ": " + actual[i] + " vs reference " + expected[i]);
            }
        }
        for (int r = 0; r < ROWS; r++) {
            double rowSum = 0;
            for (int j = 0; j < cols; j++) rowSum += actual[OUT_OFF + r * cols + j];
            assertEquals(1.0, rowSum, 1e-5 * Math.sqrt(cols), "row " + r + " sums to 1");
        }
    }

    @ParameterizedTest(name = "cols={0}")
    @ValueSource(ints = {1, 7, 33, 1023})
    void logSoftmaxMatchesTheReference(int cols) {
        float[] x = logits(cols + 100, OFF + ROWS * cols + 3);
        float[] expected = new float[OUT_OFF + ROWS * cols + 3], actual = expected.clone();
        SoftmaxReference.rowsLogSoftmax(x, OFF, ROWS, cols, expected, OUT_OFF);
        SoftmaxSimd.rowsLogSoftmax(x, OFF, ROWS, cols, actual, OUT_OFF);
        double factor = 1e-5 * Math.sqrt(cols);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= factor * (1 + Math.abs(expected[i])))) {
                fail("logSoftmax cols=" + cols + " index " + i + ": " + actual[i] + " vs reference " + expected[i]);
            }
        }
    }

    @Test
    void largeLogitsDoNotOverflowAndInPlaceWorks() {
        float[] x = {1000f, 1001f, 999f, 1000f, 1000f, 1000f, 1000f, 1000f, 1000f, 1000f, 1000f, 1000f,
            1000f, 1000f, 1000f, 1000f, 1000f, 1000f};
        float[] expected = new float[x.length];
        SoftmaxReference.rowsSoftmax(x, 0, 1, x.length, expected, 0);
        SoftmaxSimd.rowsSoftmax(x, 0, 1, x.length, x, 0);
        for (int i = 0; i < x.length; i++) {
            assertTrue(Float.isFinite(x[i]) && x[i] > 0f, "element " + i + " = " + x[i]);
            assertEquals(expected[i], x[i], 1e-5f * expected[i], "element " + i);
        }
    }
}
