package io.ringtrain.engine.nn;

import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationsTest {
    private static final SplittableRandom RNG = new SplittableRandom(9);
    // Element-wise float32 maths: 1e-6 absolute/relative would do; 1e-5 for exp-based ones.
    private static final double ATOL = 1e-5, RTOL = 1e-5;

    /** Values at least 0.05 away from the ReLU kink, so a ±1e-2 probe never crosses it. */
    private static Tensor awayFromZero(int... shape) {
        Tensor t = Tensor.randn(RNG, shape);
        float[] d = t.storage();
        for (int i = 0; i < d.length; i++) d[i] = d[i] >= 0 ? d[i] + 0.05f : d[i] - 0.05f;
        return t;
    }

    @Test
    void matchPyTorch() {
        LayerGolden.check("leaky_relu", new LeakyReLU(0.2f), ATOL, RTOL);
        LayerGolden.check("sigmoid", new Sigmoid(), ATOL, RTOL);
        LayerGolden.check("tanh", new Tanh(), ATOL, RTOL);
        LayerGolden.check("softmax_dim1", new Softmax(1), ATOL, RTOL);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        GradCheck.check("relu", in -> new ReLU().forward(in.get(0)), awayFromZero(3, 5));
        GradCheck.check("leaky relu 0.1", in -> new LeakyReLU(0.1f).forward(in.get(0)), awayFromZero(3, 5));
        GradCheck.check("sigmoid", in -> new Sigmoid().forward(in.get(0)), Tensor.randn(RNG, 3, 5));
        GradCheck.check("tanh", in -> new Tanh().forward(in.get(0)), Tensor.randn(RNG, 3, 5));
        GradCheck.check("softmax dim 0", in -> new Softmax(0).forward(in.get(0)), Tensor.randn(RNG, 3, 5));
        GradCheck.check("flatten 1..2", in -> new Flatten(1, 2).forward(in.get(0)).mul(in.get(0).reshape(2, 6, 2)), Tensor.randn(RNG, 2, 3, 2, 2));
    }

    @Test
    void reluZeroesNegativesAndFlattenKeepsTheBatch() {
        Tensor y = new ReLU().forward(Tensor.of(new float[] {-2, 0, 3}, 3));
        assertArrayEquals(new float[] {0, 0, 3}, y.toArray());
        assertArrayEquals(new int[] {2, 60}, new Flatten().forward(Tensor.zeros(2, 3, 4, 5)).shape());
        assertArrayEquals(new int[] {2, 12, 5}, new Flatten(1, 2).forward(Tensor.zeros(2, 3, 4, 5)).shape());
    }

    @Test
    void inPlaceReluGradientsMatchCentralDifferences() {
        // in place needs a non-leaf input: the probe goes through x·2 first
        GradCheck.check("relu inplace", in -> new ReLU(true).forward(in.get(0).mul(2f)), awayFromZero(3, 5));
        GradCheck.check("leaky relu 0.1 inplace", in -> new LeakyReLU(0.1f, true).forward(in.get(0).mul(2f)), awayFromZero(3, 5));
    }

    /** In place writes over the input's array and gives the same values and gradients, bit for bit, zeros included. */
    @Test
    void inPlaceEqualsOutOfPlace() {
        for (float slope : new float[] {0f, 0.1f}) {
            Tensor x1 = Tensor.randn(RNG, 4, 6);
            float[] d = x1.storage();
            d[0] = 0f;
            d[1] = -0f;
            d[2] = 1e-30f;
            Tensor x2 = Tensor.of(d.clone(), 4, 6);
            x1.requiresGrad(true);
            x2.requiresGrad(true);
            Tensor w = Tensor.randn(RNG, 4, 6);
            Tensor h1 = x1.mul(1f), h2 = x2.mul(1f);
            Tensor y1 = (slope == 0f ? new ReLU(false) : new LeakyReLU(slope, false)).forward(h1);
            Tensor y2 = (slope == 0f ? new ReLU(true) : new LeakyReLU(slope, true)).forward(h2);
            assertTrue(y2.storage() == h2.storage(), "slope " + slope + ": the result should reuse its input's array");
            assertArrayEquals(y1.toArray(), y2.toArray());
            y1.mul(w).sum().backward();
            y2.mul(w).sum().backward();
            assertArrayEquals(x1.gradArray(), x2.gradArray());
        }
    }

    @Test
    void inPlaceRefusesWhatPyTorchRefuses() {
        Tensor leaf = Tensor.randn(RNG, 2, 3).requiresGrad(true);
        IllegalArgumentException onLeaf = assertThrows(IllegalArgumentException.class, () -> new ReLU(true).forward(leaf));
        assertTrue(onLeaf.getMessage().contains("leaf") && onLeaf.getMessage().contains("[2, 3]"), onLeaf.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(-0.5f, true));
        assertTrue(negative.getMessage().contains("-0.5"), negative.getMessage());
    }
}
