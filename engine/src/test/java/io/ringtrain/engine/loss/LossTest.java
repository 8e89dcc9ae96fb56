package io.ringtrain.engine.loss;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossTest {
    private static final SplittableRandom RNG = new SplittableRandom(17);
    // Losses are sums of O(1) float32 terms over ≤ 24 elements: 1e-5 relative is ~100× the rounding.
    private static final double ATOL = 1e-5, RTOL = 1e-5;

    private interface LossFn {
        Tensor apply(Tensor input, Tensor target);
    }

    /** Fixture: x, target, loss, grad_x (and grad_target when the target takes a gradient). */
    private static void golden(String fixture, LossFn fn, boolean targetGrad) {
        Golden g = Golden.load(fixture);
        Tensor x = g.get("x").requiresGrad(true), t = g.get("target").requiresGrad(targetGrad);
        Tensor loss = fn.apply(x, t);
        g.assertClose("loss", loss.reshape(-1), ATOL, RTOL);
        if (loss.numel() == 1) {
            loss.backward();
        } else { // reduction none: the fixture weighted row i by i + 1
            float[] w = new float[loss.numel()];
            for (int i = 0; i < w.length; i++) w[i] = i + 1;
            loss.mul(Tensor.of(w, loss.shape())).sum().backward();
        }
        g.assertClose("grad_x", x.grad(), ATOL, RTOL);
        if (targetGrad) g.assertClose("grad_target", t.grad(), ATOL, RTOL);
    }

    @Test
    void crossEntropyMatchesPyTorchWithIgnoreIndexAndLabelSmoothing() {
        golden("ce_mean", new CrossEntropyLoss()::forward, false);
        golden("ce_sum", new CrossEntropyLoss(-100, 0f, Reduction.SUM)::forward, false);
        golden("ce_ignore_smooth_mean", new CrossEntropyLoss(-100, 0.1f, Reduction.MEAN)::forward, false);
        golden("ce_ignore_smooth_sum", new CrossEntropyLoss(-100, 0.1f, Reduction.SUM)::forward, false);
        golden("ce_ignore_smooth_none", new CrossEntropyLoss(-100, 0.2f, Reduction.NONE)::forward, false);
        golden("ce_spatial_smooth", new CrossEntropyLoss(1, 0.15f, Reduction.MEAN)::forward, false);
    }

    @Test
    void mseAndBceWithLogitsMatchPyTorch() {
        golden("mse_mean", new MSELoss()::forward, true);
        golden("mse_sum", new MSELoss(Reduction.SUM)::forward, true);
        golden("bce_logits_pos_weight", new BCEWithLogitsLoss(Reduction.MEAN, new float[] {0.5f, 1f, 2f, 3f})::forward, true);
        golden("bce_logits_sum", new BCEWithLogitsLoss(Reduction.SUM, null)::forward, true);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        int[] targets = {2, -100, 0, 3};
        GradCheck.check("cross entropy, ignore + smoothing, mean", in -> new CrossEntropyLoss(-100, 0.1f, Reduction.MEAN).forward(in.get(0), targets),
                Tensor.randn(RNG, 4, 5));
        GradCheck.check("cross entropy, none", in -> new CrossEntropyLoss(-100, 0.3f, Reduction.NONE).forward(in.get(0), targets),
                Tensor.randn(RNG, 4, 5));
        GradCheck.check("cross entropy over [N, C, d]", in -> new CrossEntropyLoss().forward(in.get(0), new int[] {0, 2, 1, 1, 0, 2}),
                Tensor.randn(RNG, 2, 3, 3));
        GradCheck.check("mse", in -> new MSELoss().forward(in.get(0), in.get(1)), Tensor.randn(RNG, 3, 4), Tensor.randn(RNG, 3, 4));
        GradCheck.check("bce with logits, pos_weight", in -> new BCEWithLogitsLoss(Reduction.SUM, new float[] {2f, 0.5f}).forward(in.get(0), in.get(1)),
                Tensor.randn(RNG, 3, 2), Tensor.uniform(RNG, 0.1f, 0.9f, 3, 2));
    }

    @Test
    void bceWithLogitsStaysFiniteForHugeLogits() {
        Tensor x = Tensor.of(new float[] {1000f, -1000f}, 2), y = Tensor.of(new float[] {0f, 1f}, 2);
        float loss = new BCEWithLogitsLoss(Reduction.SUM, null).forward(x, y).item();
        assertEquals(2000f, loss, 1e-3f, "each term is |x| when the label is the wrong side");
    }

    @Test
    void crossEntropyOfAllIgnoredTargetsIsNaNAsInPyTorch() {
        float loss = new CrossEntropyLoss().forward(Tensor.randn(RNG, 2, 3), new int[] {-100, -100}).item();
        assertTrue(Float.isNaN(loss));
    }

    @Test
    void badTargetsAreNamed() {
        var range = assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss().forward(Tensor.zeros(2, 3), new int[] {0, 3}));
        assertTrue(range.getMessage().contains("target 3") && range.getMessage().contains("3 classes"), range.getMessage());
        var shape = assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss().forward(Tensor.zeros(2, 3), Tensor.zeros(3)));
        assertTrue(shape.getMessage().contains("[3]") && shape.getMessage().contains("[2, 3]"), shape.getMessage());
    }
}
