package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;

/** y = exp(x − max)/Σ exp(x − max) along {@code dim} (PyTorch's {@code nn.Softmax(dim)}). */
public class Softmax extends Module {
    private final int dim;

    public Softmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.softmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
