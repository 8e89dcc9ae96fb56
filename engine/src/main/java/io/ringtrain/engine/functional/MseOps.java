package io.ringtrain.engine.functional;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.loss.Reduction;

/**
 * Mean squared error, the maths behind {@link io.ringtrain.engine.loss.MSELoss}: ℓ_i = (x_i − y_i)²
 * (squares summed in double), ∂ℓ/∂x_i = 2(x_i − y_i)/R, ∂ℓ/∂y_i = −∂ℓ/∂x_i (R = numel for MEAN, 1 otherwise).
 */
public final class MseOps {
    private MseOps() {}

    /** input and target of the same shape (checked by the caller). */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        float[] x = input.contiguous().data(), y = target.contiguous().data();
        int n = x.length;
        float[] diff = new float[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            diff[i] = x[i] - y[i];
            sum += (double) diff[i] * diff[i];
        }
        float[] value;
        int[] outShape;
        if (reduction == Reduction.NONE) {
            value = new float[n];
            for (int i = 0; i < n; i++) value[i] = diff[i] * diff[i];
            outShape = input.shape();
        } else {
            value = new float[] {(float) (reduction == Reduction.MEAN ? sum / n : sum)};
            outShape = new int[0];
        }
        if (!GradMode.isEnabled()) return Tensor.of(value, outShape);
        float scale = reduction == Reduction.MEAN ? 2f / n : 2f;
        return Tensor.fromOp(value, outShape, "mse_loss", g -> {
            float[] dx = new float[n];
            for (int i = 0; i < n; i++) dx[i] = scale * diff[i] * (reduction == Reduction.NONE ? g[i] : g[0]);
            if (target.requiresGrad()) {
                float[] dy = new float[n];
                for (int i = 0; i < n; i++) dy[i] = -dx[i];
                target.accumulateGradOwned(dy);
            }
            if (input.requiresGrad()) input.accumulateGradOwned(dx);
        }, input, target);
    }
}
