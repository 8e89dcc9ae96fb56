package io.ringtrain.jobs.models.usernets;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;

/** A user's model by the preferred contract: built for the job's input shape and class count. */
public class TinyNet extends Module {
    private final Flatten flatten = registerModule("flatten", new Flatten());
    private final Linear fc;

    public TinyNet(int[] inputShape, int numClasses) {
        fc = registerModule("fc", new Linear(inputShape[0] * inputShape[1] * inputShape[2], numClasses));
    }

    /** Present to show the shape constructor wins over this one. */
    public TinyNet() {
        this(new int[] {1, 2, 2}, 2);
    }

    @Override
    public Tensor forward(Tensor input) {
        return fc.forward(flatten.forward(input));
    }
}
