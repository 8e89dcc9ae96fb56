package com.acme;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Conv2d;
import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.MaxPool2d;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;

/**
 * A user's own network, trained by ringtrain with {@code train --model-class com.acme.MyNet} and this
 * jar on {@code --jars}: conv 3×3 (8 channels) → ReLU → max-pool 2 → linear to the classes. The
 * constructor {@code (int[] inputShape, int numClasses)} is the one ringtrain calls, with the job's
 * input shape [channels, height, width] and class count; children registered under a name give the
 * state-dict keys ({@code conv.weight}, {@code fc.bias}, ...) of the saved model.
 */
public class MyNet extends Module {
    private final Conv2d conv;
    private final ReLU relu = registerModule("relu", new ReLU());
    private final MaxPool2d pool = registerModule("pool", new MaxPool2d(2));
    private final Flatten flatten = registerModule("flatten", new Flatten());
    private final Linear fc;

    public MyNet(int[] inputShape, int numClasses) {
        conv = registerModule("conv", new Conv2d(inputShape[0], 8, 3, 1, 1));
        fc = registerModule("fc", new Linear(8 * (inputShape[1] / 2) * (inputShape[2] / 2), numClasses));
    }

    @Override
    public Tensor forward(Tensor images) {
        return fc.forward(flatten.forward(pool.forward(relu.forward(conv.forward(images)))));
    }
}
