package io.ringtrain.engine.nn;

import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
}
