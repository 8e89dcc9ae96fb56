package io.ringtrain.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link VectorOpsSimd} against {@link VectorOpsReference} on lengths that leave every kind of
 * tail (0, 1, 7, 33, 1023), at odd offsets. Element-wise kernels must be bit-for-bit equal (the
 * same float operations, none fused); elements outside [off, off+len) must be untouched.
 * sum and dot add in another order: |ours − ref| ≤ 1e-5·√len·Σ|terms|, above the worst-case
 * rounding bound of either order (len·2⁻²⁴·Σ|terms| each) for these lengths.
 */
class VectorOpsSimdTest {
    private static final int OFF_X = 3, OFF_Y = 5, OFF_OUT = 2, PAD = 4;

    private static float[] random(long seed, int length) {
        return GemmSimdTest.randomArray(new Random(seed), length);
    }

    @ParameterizedTest(name = "len={0}")
    @ValueSource(ints = {0, 1, 7, 33, 1023})
    void binaryElementwiseOpsEqualTheReferenceBitForBit(int len) {
        float[] x = random(1, OFF_X + len + PAD), y = random(2, OFF_Y + len + PAD);
        float[] base = random(3, OFF_OUT + len + PAD);
        float[] expected = base.clone(), actual = base.clone();

        VectorOpsReference.add(x, OFF_X, y, OFF_Y, expected, OFF_OUT, len);
        VectorOpsSimd.add(x, OFF_X, y, OFF_Y, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "add");

        VectorOpsReference.sub(x, OFF_X, y, OFF_Y, expected, OFF_OUT, len);
        VectorOpsSimd.sub(x, OFF_X, y, OFF_Y, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "sub");

        VectorOpsReference.mul(x, OFF_X, y, OFF_Y, expected, OFF_OUT, len);
        VectorOpsSimd.mul(x, OFF_X, y, OFF_Y, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "mul");

        VectorOpsReference.axpy(-1.75f, x, OFF_X, expected, OFF_OUT, len);
        VectorOpsSimd.axpy(-1.75f, x, OFF_X, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "axpy");

        VectorOpsReference.scale(0.3f, x, OFF_X, expected, OFF_OUT, len);
        VectorOpsSimd.scale(0.3f, x, OFF_X, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "scale");

        VectorOpsReference.relu(x, OFF_X, expected, OFF_OUT, len);
        VectorOpsSimd.relu(x, OFF_X, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "relu");

        VectorOpsReference.reluBackward(x, OFF_X, y, OFF_Y, expected, OFF_OUT, len);
        VectorOpsSimd.reluBackward(x, OFF_X, y, OFF_Y, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "reluBackward");
    }

    @ParameterizedTest(name = "len={0}")
    @ValueSource(ints = {0, 1, 7, 33, 1023})
    void reductionsMatchTheReferenceWithinSummationRounding(int len) {
        float[] x = random(4, OFF_X + len + PAD), y = random(5, OFF_Y + len + PAD);
        float sumAbs = 0f, dotAbs = 0f;
        for (int i = 0; i < len; i++) {
            sumAbs += Math.abs(x[OFF_X + i]);
            dotAbs += Math.abs(x[OFF_X + i] * y[OFF_Y + i]);
        }
        double factor = 1e-5 * Math.sqrt(Math.max(len, 1));
        assertEquals(VectorOpsReference.sum(x, OFF_X, len), VectorOpsSimd.sum(x, OFF_X, len), factor * sumAbs, "sum");
        assertEquals(VectorOpsReference.dot(x, OFF_X, y, OFF_Y, len), VectorOpsSimd.dot(x, OFF_X, y, OFF_Y, len),
                factor * dotAbs, "dot");
        // max picks an element: exact.
        assertEquals(VectorOpsReference.max(x, OFF_X, len), VectorOpsSimd.max(x, OFF_X, len), 0f, "max");
    }

    @Test
    void reductionsAreNotTrivial() {
        // Guards the tolerance test above against passing on zeros: a known sum and max.
        float[] ramp = new float[1023];
        for (int i = 0; i < ramp.length; i++) ramp[i] = i;
        assertEquals(1022f * 1023f / 2f, VectorOpsSimd.sum(ramp, 0, ramp.length), 0f);
        assertEquals(1022f, VectorOpsSimd.max(ramp, 0, ramp.length), 0f);
        assertEquals(Float.NEGATIVE_INFINITY, VectorOpsSimd.max(ramp, 0, 0), 0f);
    }

    @Test
    void nanPropagatesThroughMaxAndReluLikePyTorch() {
        float[] x = random(6, 40);
        x[21] = Float.NaN;
        assertTrue(Float.isNaN(VectorOpsSimd.max(x, 0, 40)), "max over a NaN");
        float[] out = new float[40];
        VectorOpsSimd.relu(x, 0, out, 0, 40);
        assertTrue(Float.isNaN(out[21]), "relu(NaN)");
    }

    @Test
    void inPlaceUpdateGivesTheSameAsSeparateOutput() {
        float[] x = random(7, 1023), y = random(8, 1023);
        float[] separate = new float[1023];
        VectorOpsSimd.add(x, 0, y, 0, separate, 0, 1023);
        VectorOpsSimd.add(x, 0, y, 0, x, 0, 1023);
        assertArrayEquals(separate, x);
    }

    @Test
    void publicFacadeRejectsARangeOutsideTheArrayNamingTheArgument() {
        float[] x = new float[10], y = new float[10], out = new float[8];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VectorOps.add(x, 0, y, 0, out, 0, 9));
        assertTrue(e.getMessage().startsWith("out["), e.getMessage());
    }
}
