package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;

/** Merges dimensions startDim..endDim into one (PyTorch's {@code nn.Flatten}; default 1..−1: [N, C, H, W] → [N, C·H·W]). A view when the input is contiguous. */
public class Flatten extends Module {
    private final int startDim, endDim;

    public Flatten() {
        this(1, -1);
    }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
