package io.ringtrain.jobs.models;

import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.engine.models.FmnistCnn;

import java.util.Arrays;
import java.util.List;

/** The built-in models the command line and the jobs can train, by name. */
public final class ModelZoo {
    public static final List<String> NAMES = List.of("fmnist-cnn", "mlp");

    private ModelZoo() {}

    /** A freshly initialised model, seeded so every replica builds the same one (rank 0's is broadcast anyway). */
    public static Module create(String name, int[] inputShape, int numClasses, long seed) {
        Init.manualSeed(seed);
        switch (name) {
            case "fmnist-cnn" -> {
                if (!Arrays.equals(inputShape, new int[] {1, 28, 28}) || numClasses != FmnistCnn.CLASSES) {
                    throw new IllegalArgumentException("fmnist-cnn takes [1, 28, 28] images and 10 classes, but the job has inputShape "
                            + Arrays.toString(inputShape) + " and " + numClasses + " classes; pick another model or resize the data");
                }
                return new FmnistCnn();
            }
            case "mlp" -> {
                int in = inputShape[0] * inputShape[1] * inputShape[2];
                return new Sequential(new Flatten(), new Linear(in, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, numClasses));
            }
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; built-in models: " + NAMES);
        }
    }
}
