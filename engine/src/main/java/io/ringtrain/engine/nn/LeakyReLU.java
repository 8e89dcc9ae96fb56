package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.ActivationOps;

/**
 * y = x for x > 0, negativeSlope·x otherwise (default slope 0.01, as PyTorch). With {@code inplace}
 * it overwrites its input, as PyTorch's {@code inplace=True}; like PyTorch, that needs a slope ≥ 0
 * (backward then tells the sides apart from the output).
 */
public class LeakyReLU extends Module {
    private final float negativeSlope;
    private final boolean inplace;

    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        this(negativeSlope, false);
    }

    public LeakyReLU(float negativeSlope, boolean inplace) {
        if (inplace && !(negativeSlope >= 0f)) {
            throw new IllegalArgumentException("LeakyReLU(negative_slope=" + negativeSlope + ", inplace=True): in place needs a slope ≥ 0, "
                    + "since backward reads the sign from the output; use inplace=false for a negative slope");
        }
        this.negativeSlope = negativeSlope;
        this.inplace = inplace;
    }

    @Override
    public Tensor forward(Tensor input) {
        return ActivationOps.leakyRelu(input, negativeSlope, "leaky_relu", inplace);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + negativeSlope + (inplace ? ", inplace=True" : "");
    }
}
