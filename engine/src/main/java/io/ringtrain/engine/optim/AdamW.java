package io.ringtrain.engine.optim;

import io.ringtrain.engine.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter), PyTorch 1.13's {@code torch.optim.AdamW}:
 * before Adam's update, {@code p = p·(1 − lr·λ)}, and the gradient itself is not decayed. The
 * default weight decay is 0.01, as PyTorch's. Everything else is {@link Adam}.
 */
public final class AdamW extends Adam {
    public static final double DEFAULT_WEIGHT_DECAY = 1e-2;

    public AdamW(List<Tensor> params, double lr) {
        this(lr, ParamGroup.of(params));
    }

    public AdamW(double lr, ParamGroup... groups) {
        super(lr, DEFAULT_WEIGHT_DECAY, true, groups);
    }

    // Covariant fluent setters, so that new AdamW(...).betas(...) stays an AdamW.

    @Override
    public AdamW betas(double beta1, double beta2) {
        super.betas(beta1, beta2);
        return this;
    }

    @Override
    public AdamW eps(double value) {
        super.eps(value);
        return this;
    }

    @Override
    public AdamW weightDecay(double value) {
        super.weightDecay(value);
        return this;
    }

    @Override
    public AdamW amsgrad(boolean value) {
        super.amsgrad(value);
        return this;
    }
}
