package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.GeluOps;

/**
 * Gaussian error linear unit, as PyTorch's {@code nn.GELU}: exact (erf) or, with
 * {@code tanhApproximation}, the tanh form. The maths is {@link GeluOps}.
 */
public class GELU extends Module {
    private final boolean tanhApproximation;

    public GELU() {
        this(false);
    }

    public GELU(boolean tanhApproximation) {
        this.tanhApproximation = tanhApproximation;
    }

    @Override
    public Tensor forward(Tensor input) {
        return apply(input, tanhApproximation);
    }

    /** GELU of {@code input}; see {@link GeluOps}. */
    public static Tensor apply(Tensor input, boolean tanhApproximation) {
        return GeluOps.gelu(input, tanhApproximation);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + (tanhApproximation ? "tanh" : "none") + "'";
    }
}
