package io.ringtrain.engine.functional;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.loss.Reduction;

/**
 * Binary cross-entropy on logits, the maths behind {@link io.ringtrain.engine.loss.BCEWithLogitsLoss}
 * (which documents the formula): the stable softplus form, with gradients for input and target.
 */
public final class BceWithLogitsOps {
    private BceWithLogitsOps() {}

    /**
     * input and target of the same shape (checked by the caller); posWeight null, one entry, or one
     * per element of the last dimension ({@code last} entries).
     */
    public static Tensor bceWithLogits(Tensor input, Tensor target, float[] posWeight, int last, Reduction reduction) {
        float[] x = input.contiguous().data(), y = target.contiguous().data();
        int n = x.length;
        float[] loss = new float[n];
        float[] softplusNeg = new float[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[i];
            float maxVal = Math.max(-xi, 0f);
            float sp = (float) (maxVal + Math.log(Math.exp(-maxVal) + Math.exp(-xi - maxVal)));
            softplusNeg[i] = sp;
            float pw = posWeight == null ? 1f : posWeight[posWeight.length == 1 ? 0 : i % last];
            float wPos = 1f + (pw - 1f) * y[i];
            loss[i] = (1f - y[i]) * xi + wPos * sp;
            sum += loss[i];
        }
        float[] value;
        int[] outShape;
        if (reduction == Reduction.NONE) {
            value = loss;
            outShape = input.shape();
        } else {
            value = new float[] {(float) (reduction == Reduction.MEAN ? sum / n : sum)};
            outShape = new int[0];
        }
        if (!GradMode.isEnabled()) return Tensor.of(value, outShape);
        return Tensor.fromOp(value, outShape, "binary_cross_entropy_with_logits", g -> {
            float[] dx = input.requiresGrad() ? new float[n] : null;
            float[] dy = target.requiresGrad() ? new float[n] : null;
            for (int i = 0; i < n; i++) {
                float gi = reduction == Reduction.NONE ? g[i] : reduction == Reduction.MEAN ? g[0] / n : g[0];
                float pw = posWeight == null ? 1f : posWeight[posWeight.length == 1 ? 0 : i % last];
                float wPos = 1f + (pw - 1f) * y[i];
                if (dx != null) dx[i] = gi * ((1f - y[i]) - wPos * ElementwiseOps.sigmoid(-x[i]));
                if (dy != null) dy[i] = gi * (-x[i] + (pw - 1f) * softplusNeg[i]);
            }
            if (dx != null) input.accumulateGradOwned(dx);
            if (dy != null) target.accumulateGradOwned(dy);
        }, input, target);
    }
}
