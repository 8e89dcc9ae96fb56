package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.ActivationOps;

/**
 * y = max(x, 0); dy/dx = 1 where x > 0, else 0 (PyTorch's convention at 0). {@code new ReLU(true)}
 * overwrites its input, as PyTorch's {@code inplace=True}: use it where nothing else needs the
 * input afterwards (after Conv2d, BatchNorm or Linear).
 */
public class ReLU extends Module {
    private final boolean inplace;

    public ReLU() {
        this(false);
    }

    public ReLU(boolean inplace) {
        this.inplace = inplace;
    }

    @Override
    public Tensor forward(Tensor input) {
        return ActivationOps.leakyRelu(input, 0f, "relu", inplace);
    }

    @Override
    protected String extraRepr() {
        return inplace ? "inplace=True" : "";
    }
}
