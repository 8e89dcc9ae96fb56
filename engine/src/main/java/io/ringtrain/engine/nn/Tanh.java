package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;

/** y = tanh(x); dy/dx = 1 − y². */
public class Tanh extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return input.tanh();
    }
}
