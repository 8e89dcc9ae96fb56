package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;

/** The activation between the two linear layers of a Transformer feed-forward block. */
public enum FeedForwardActivation {
    RELU,
    /** negative slope 0.01, PyTorch's default */
    LEAKY_RELU,
    /** exact (erf) GELU */
    GELU;

    public Tensor apply(Tensor x) {
        return switch (this) {
            case RELU -> x.relu();
            case LEAKY_RELU -> x.unary("leaky_relu", v -> v > 0f ? v : 0.01f * v, (v, y) -> v > 0f ? 1f : 0.01f);
            case GELU -> io.ringtrain.engine.nn.GELU.apply(x, false);
        };
    }
}
