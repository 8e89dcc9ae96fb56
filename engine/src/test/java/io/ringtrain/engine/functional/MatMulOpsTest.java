package io.ringtrain.engine.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringtrain.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MatMulOps#linear}, the fused y = x·Wᵀ + b that Linear and the attention's input projection
 * record as one node: its value and its three gradients against the definition summed in double.
 */
class MatMulOpsTest {
    private static final SplittableRandom RNG = new SplittableRandom(7);
    private static final float TOLERANCE = 1e-4f;

    @Test
    void linearValueAndGradientsMatchTheDefinition() {
        check(Tensor.randn(RNG, 5, 3).requiresGrad(true), true);
    }

    @Test
    void linearReadsAWeightThatStartsInsideItsStorage() {
        // rows 2..6 of a [7, 3] leaf: contiguous, storage offset 6; its gradient lands in those rows only
        Tensor whole = Tensor.randn(RNG, 7, 3).requiresGrad(true);
        check(whole, false);
    }

    @Test
    void linearWithATransposedWeightTakesTheMatmulAndAddOpsWithTheSameResult() {
        Tensor stored = Tensor.randn(RNG, 3, 5).requiresGrad(true); // weight = storedᵀ, not contiguous
        check(stored, false, true);
    }

    private static void check(Tensor param, boolean plain) {
        check(param, plain, false);
    }

    /** plain: param is the [5, 3] weight; else the weight is rows 2..6 of param, or paramᵀ when transposed. */
    private static void check(Tensor param, boolean plain, boolean transposed) {
        int m = 4, k = 3, n = 5;
        Tensor x = Tensor.randn(RNG, m, k).requiresGrad(true);
        Tensor b = Tensor.randn(RNG, n).requiresGrad(true);
        Tensor weight = plain ? param : transposed ? param.t() : param.narrow(0, 2, n);
        float[] w = weight.toArray(), xv = x.toArray(), bv = b.toArray();
        Tensor g = Tensor.randn(RNG, m, n);
        float[] gv = g.toArray();
        Tensor y = MatMulOps.linear(x, weight, b);
        y.backward(g);

        float[] value = new float[m * n], gx = new float[m * k], gw = new float[n * k], gb = new float[n];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                double s = 0;
                for (int i = 0; i < k; i++) s += (double) xv[r * k + i] * w[c * k + i];
                value[r * n + c] = (float) (s + bv[c]);
            }
        }
        for (int r = 0; r < m; r++) {
            for (int i = 0; i < k; i++) {
                double s = 0;
                for (int c = 0; c < n; c++) s += (double) gv[r * n + c] * w[c * k + i];
                gx[r * k + i] = (float) s;
            }
        }
        for (int c = 0; c < n; c++) {
            double sb = 0;
            for (int r = 0; r < m; r++) sb += gv[r * n + c];
            gb[c] = (float) sb;
            for (int i = 0; i < k; i++) {
                double s = 0;
                for (int r = 0; r < m; r++) s += (double) gv[r * n + c] * xv[r * k + i];
                gw[c * k + i] = (float) s;
            }
        }
        assertEquals(transposed ? "add" : "linear", y.op());
        assertArrayEquals(value, y.toArray(), TOLERANCE, "value");
        assertArrayEquals(gx, x.gradArray(), TOLERANCE, "input gradient");
        assertArrayEquals(gb, b.gradArray(), TOLERANCE, "bias gradient");
        float[] paramGrad = param.gradArray();
        if (plain) {
            assertArrayEquals(gw, paramGrad, TOLERANCE, "weight gradient");
        } else if (transposed) {
            float[] gwT = new float[n * k];
            for (int c = 0; c < n; c++) for (int i = 0; i < k; i++) gwT[i * n + c] = gw[c * k + i];
            assertArrayEquals(gwT, paramGrad, TOLERANCE, "weight gradient (transposed storage)");
        } else {
            float[] expected = new float[7 * k];
            System.arraycopy(gw, 0, expected, 2 * k, n * k);
            assertArrayEquals(expected, paramGrad, TOLERANCE, "weight gradient (rows 2..6 of the stored weight)");
        }
    }
}
