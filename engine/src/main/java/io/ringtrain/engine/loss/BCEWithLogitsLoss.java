package io.ringtrain.engine.loss;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.BceWithLogitsOps;

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
        return BceWithLogitsOps.bceWithLogits(input, target, posWeight, last, reduction);
    }
}
