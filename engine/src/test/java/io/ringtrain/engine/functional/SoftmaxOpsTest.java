package io.ringtrain.engine.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringtrain.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The one softmax: its strided log-sum-exp (cross-entropy's) and its row forward must agree bit for bit. */
class SoftmaxOpsTest {
    private static final SplittableRandom RNG = new SplittableRandom(21);

    @Test
    void logSumExpOverAStridedColumnGivesTheLogSoftmaxShiftBitForBit() {
        int rows = 6, cols = 11;
        float[] x = Tensor.randn(RNG, rows, cols).mul(4f).data();
        float[] logSoftmax = new float[x.length];
        SoftmaxOps.forward(x, logSoftmax, rows, cols, true);
        // the same values laid out as columns: column r of [cols, rows] is row r of x
        float[] transposed = Tensor.of(x, rows, cols).t().contiguous().data();
        for (int r = 0; r < rows; r++) {
            float lse = SoftmaxOps.logSumExp(transposed, r, rows, cols);
            for (int k = 0; k < cols; k++) assertEquals(x[r * cols + k] - lse, logSoftmax[r * cols + k], 0f, "row " + r + " col " + k);
        }
    }

    @Test
    void aFullyMaskedRowGivesZerosFromSoftmax() {
        float inf = Float.NEGATIVE_INFINITY;
        Tensor x = Tensor.of(new float[] {inf, inf, inf, 0f, 1f, 2f}, 2, 3);
        float[] y = SoftmaxOps.softmax(x, -1).toArray();
        assertArrayEquals(new float[] {0f, 0f, 0f}, java.util.Arrays.copyOf(y, 3));
        assertEquals(1f, y[3] + y[4] + y[5], 1e-6f);
    }
}
