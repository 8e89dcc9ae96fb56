package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;

/** Applies its children in order; children are named "0", "1", ... as in PyTorch. */
public class Sequential extends Module {
    public Sequential(Module... layers) {
        for (Module layer : layers) add(layer);
    }

    public Sequential add(Module layer) {
        registerModule(Integer.toString(children().size()), layer);
        return this;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module layer : children().values()) x = layer.forward(x);
        return x;
    }
}
