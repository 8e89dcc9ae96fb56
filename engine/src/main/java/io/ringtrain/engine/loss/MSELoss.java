package io.ringtrain.engine.loss;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.MseOps;

import java.util.Arrays;

/**
 * Mean squared error (PyTorch's {@code nn.MSELoss}): ℓ_i = (x_i − y_i)², reduced by mean (default),
 * sum or none. Input and target have the same shape; both may require gradients:
 * ∂ℓ/∂x_i = 2(x_i − y_i)/R, ∂ℓ/∂y_i = −∂ℓ/∂x_i (R = numel for MEAN, 1 otherwise).
 */
public class MSELoss {
    private final Reduction reduction;

    public MSELoss() {
        this(Reduction.MEAN);
    }

    public MSELoss(Reduction reduction) {
        this.reduction = reduction;
    }

    public Tensor forward(Tensor input, Tensor target) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("MSELoss: input shape " + Shape.str(input.shape()) + " and target shape "
                    + Shape.str(target.shape()) + " must be equal");
        }
        return MseOps.mseLoss(input, target, reduction);
    }
}
