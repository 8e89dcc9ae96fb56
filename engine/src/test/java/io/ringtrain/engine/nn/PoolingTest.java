package io.ringtrain.engine.nn;

import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PoolingTest {
    private static final SplittableRandom RNG = new SplittableRandom(5);
    // Pooling is a max or a mean of ≤ 9 values: float32 rounding ~1e-7; 1e-5 is generous yet catches any wrong divisor.
    private static final double ATOL = 1e-5, RTOL = 1e-5;

    /** Distinct values 0.1 apart in random order, so no window has a near-tie that a ±1e-2 probe could flip. */
    private static Tensor distinct(int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.storage();
        for (int i = 0; i < d.length; i++) d[i] = 0.1f * (i - d.length / 2);
        for (int i = d.length - 1; i > 0; i--) {
            int j = RNG.nextInt(i + 1);
            float v = d[i];
            d[i] = d[j];
            d[j] = v;
        }
        return t;
    }

    @Test
    void maxPoolMatchesPyTorchWithAndWithoutPadding() {
        LayerGolden.check("maxpool_k2", new MaxPool2d(2), ATOL, RTOL);
        LayerGolden.check("maxpool_k3_s2_p1", new MaxPool2d(3, 2, 1), ATOL, RTOL);
    }

    @Test
    void avgPoolMatchesPyTorchCountingPaddingOrNot() {
        LayerGolden.check("avgpool_k3_s2_p1_include", new AvgPool2d(3, 2, 1, true), ATOL, RTOL);
        LayerGolden.check("avgpool_k3_s2_p1_exclude", new AvgPool2d(3, 2, 1, false), ATOL, RTOL);
        LayerGolden.check("adaptive_avgpool_3x2", new AdaptiveAvgPool2d(3, 2), ATOL, RTOL);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        GradCheck.check("maxpool k3 s2 p1", in -> new MaxPool2d(3, 2, 1).forward(in.get(0)), distinct(2, 2, 7, 6));
        GradCheck.check("maxpool k2 dilation 2", in -> new MaxPool2d(new int[] {2, 2}, new int[] {1, 2}, new int[] {1, 0}, new int[] {2, 2}).forward(in.get(0)),
                distinct(1, 2, 6, 7));
        GradCheck.check("avgpool k3 s2 p1 include pad", in -> new AvgPool2d(3, 2, 1, true).forward(in.get(0)), Tensor.randn(RNG, 2, 2, 7, 6));
        GradCheck.check("avgpool k2 s1 p1 exclude pad", in -> new AvgPool2d(2, 1, 1, false).forward(in.get(0)), Tensor.randn(RNG, 1, 2, 5, 4));
        GradCheck.check("adaptive avgpool 7×5 → 3×4", in -> new AdaptiveAvgPool2d(3, 4).forward(in.get(0)), Tensor.randn(RNG, 2, 2, 7, 5));
    }

    @Test
    void fast2x2PathAgreesWithMaxOverReshapedWindows() {
        Tensor x = distinct(2, 3, 6, 8).requiresGrad(true);
        Tensor x2 = Tensor.of(x.toArray(), x.shape()).requiresGrad(true);
        Tensor fast = new MaxPool2d(2).forward(x);
        Tensor viaReshape = x2.reshape(2, 3, 3, 2, 4, 2).max(5, false).max(3, false);
        assertArrayEquals(viaReshape.toArray(), fast.toArray());
        Tensor w = Tensor.randn(RNG, fast.shape());
        fast.mul(w).sum().backward();
        viaReshape.mul(w).sum().backward();
        assertArrayEquals(x2.gradArray(), x.gradArray());
    }

    @Test
    void maxPoolPassesTheGradientToTheWinnerOnly() {
        Tensor x = Tensor.of(new float[] {1, 5, 2, 3}, 1, 1, 2, 2).requiresGrad(true);
        new MaxPool2d(2).forward(x).sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 0}, x.gradArray());
    }

    @Test
    void rejectsInputsThatAreNotImages() {
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2).forward(Tensor.zeros(3, 4, 4)));
        assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(5).forward(Tensor.zeros(1, 1, 3, 3)));
    }
}
