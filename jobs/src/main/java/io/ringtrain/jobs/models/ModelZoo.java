package io.ringtrain.jobs.models;

import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.engine.models.FmnistCnn;
import io.ringtrain.engine.models.LstmImageClassifier;
import io.ringtrain.engine.models.SmallResNet;
import io.ringtrain.engine.models.TransformerImageClassifier;

import java.util.Arrays;
import java.util.List;

/**
 * The built-in models the command line and the jobs can train, by name. All take images
 * [channels, height, width] and give logits over {@code numClasses}:
 * <ul>
 *   <li>{@code fmnist-cnn}: {@link FmnistCnn}, [1, 28, 28] and 10 classes only (422k parameters)</li>
 *   <li>{@code mlp}: flatten → 256 → 128 → classes with ReLU, any shape</li>
 *   <li>{@code small-resnet}: {@link SmallResNet} ResNet-8 (16/32/64 channels, one BasicBlock per stage), any shape (78k)</li>
 *   <li>{@code lstm-classifier}: {@link LstmImageClassifier}, one row per step, hidden 128, one layer, any shape (82k at 28×28)</li>
 *   <li>{@code transformer-classifier}: {@link TransformerImageClassifier}, a ViT with d 64, 4 heads, FFN 128, 2 layers and
 *       the largest patch side ≤ 7 dividing height and width (7 for 28×28, 4 for 32×32)</li>
 * </ul>
 */
public final class ModelZoo {
    public static final List<String> NAMES = List.of("fmnist-cnn", "mlp", "small-resnet", "lstm-classifier", "transformer-classifier");

    private ModelZoo() {}

    /** A freshly initialised model, seeded so every replica builds the same one (rank 0's is broadcast anyway). */
    public static Module create(String name, int[] inputShape, int numClasses, long seed) {
        if (inputShape == null || inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("model '" + name + "' needs an input shape [channels, height, width] of positive sizes, got "
                    + Arrays.toString(inputShape));
        }
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
            case "small-resnet" -> {
                return new SmallResNet(inputShape, numClasses);
            }
            case "lstm-classifier" -> {
                return new LstmImageClassifier(inputShape, numClasses);
            }
            case "transformer-classifier" -> {
                int patch;
                try {
                    patch = TransformerImageClassifier.defaultPatchSize(inputShape);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("transformer-classifier cannot take inputShape " + Arrays.toString(inputShape) + ": " + e.getMessage(), e);
                }
                return new TransformerImageClassifier(inputShape, numClasses, TransformerImageClassifier.Config.withPatch(patch));
            }
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; built-in models: " + NAMES);
        }
    }
}
