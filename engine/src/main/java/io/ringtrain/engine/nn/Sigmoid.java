package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;

/** y = 1/(1 + e^−x), computed without overflow for large |x|; dy/dx = y·(1 − y). */
public class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return input.sigmoid();
    }
}
