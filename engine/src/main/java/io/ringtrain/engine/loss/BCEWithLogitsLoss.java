package io.ringtrain.engine.loss;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;

import java.util.Arrays;

/**
 * Binary cross-entropy on logits (PyTorch's {@code nn.BCEWithLogitsLoss}), in the numerically
 * stable form that never exponentiates a positive number:
 * <pre>
 *   ℓ = (1 − y)·x + w_pos·softplus(−x),   w_pos = 1 + (pos_weight − 1)·y,
 *   softplus(−x) = log(1 + e^−x) = max(−x, 0) + log(e^−max(−x,0) + e^(−x−max(−x,0)))
 *   ∂ℓ/∂x = (1 − y) − w_pos·σ(−x),   ∂ℓ/∂y = −x + (pos_weight − 1)·softplus(−x)
 * </pre>
 * {@code posWeight} (optional) broadcasts over the last dimension (one weight per class), as in
 * PyTorch. Input and target have the same shape; reduction mean (default), sum or none.
 */
public class BCEWithLogitsLoss {
    private final Reduction reduction;
    private final float[] posWeight;

    public BCEWithLogitsLoss() {
        this(Reduction.MEAN, null);
    }

    /** {@code posWeight}: one weight per entry of the last dimension, or null. */
    public BCEWithLogitsLoss(Reduction reduction, float[] posWeight) {
        this.reduction = reduction;
        this.posWeight = posWeight == null ? null : posWeight.clone();
    }

    public Tensor forward(Tensor input, Tensor target) {
        int[] s = input.shape();
        if (!Arrays.equals(s, target.shape())) {
            throw new IllegalArgumentException("BCEWithLogitsLoss: input shape " + Shape.str(s) + " and target shape "
                    + Shape.str(target.shape()) + " must be equal");
        }
        int last = s.length == 0 ? 1 : s[s.length - 1];
        if (posWeight != null && posWeight.length != last && posWeight.length != 1) {
            throw new IllegalArgumentException("BCEWithLogitsLoss: pos_weight has " + posWeight.length + " entries but the input's last dimension is "
                    + last + " (shape " + Shape.str(s) + ")");
        }
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
            outShape = s;
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
                if (dx != null) dx[i] = gi * ((1f - y[i]) - wPos * sigmoid(-x[i]));
                if (dy != null) dy[i] = gi * (-x[i] + (pw - 1f) * softplusNeg[i]);
            }
            if (dx != null) input.accumulateGradOwned(dx);
            if (dy != null) target.accumulateGradOwned(dy);
        }, input, target);
    }

    private static float sigmoid(float v) {
        return v >= 0 ? (float) (1.0 / (1.0 + Math.exp(-v))) : (float) (Math.exp(v) / (1.0 + Math.exp(v)));
    }
}
