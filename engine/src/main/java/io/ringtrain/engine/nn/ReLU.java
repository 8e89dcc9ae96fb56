package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;

/** y = max(x, 0); dy/dx = 1 where x > 0, else 0 (PyTorch's convention at 0). */
public class ReLU extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return Activations.leakyRelu(input, 0f, "relu");
    }
}
