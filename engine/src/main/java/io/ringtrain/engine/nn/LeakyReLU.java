package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;

/** y = x for x > 0, negativeSlope·x otherwise (default slope 0.01, as PyTorch). */
public class LeakyReLU extends Module {
    private final float negativeSlope;

    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    @Override
    public Tensor forward(Tensor input) {
        return Activations.leakyRelu(input, negativeSlope, "leaky_relu");
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + negativeSlope;
    }
}
