package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.ActivationOps;
import io.ringtrain.engine.functional.GeluOps;

/** The activation between the two linear layers of a Transformer feed-forward block. */
public enum FeedForwardActivation {
    RELU,
    /** negative slope 0.01, PyTorch's default */
    LEAKY_RELU,
    /** exact (erf) GELU */
    GELU;

    public Tensor apply(Tensor x) {
        return switch (this) {
            case RELU -> ActivationOps.relu(x);
            case LEAKY_RELU -> ActivationOps.leakyRelu(x, 0.01f);
            case GELU -> GeluOps.gelu(x, false);
        };
    }
}
