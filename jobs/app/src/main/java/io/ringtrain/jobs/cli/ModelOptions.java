package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.models.SavedModel;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/**
 * The model options evaluate and predict share: a run folder (its model.safetensors says the model
 * and its settings), or a weights file with the model's name; overrides for weights whose metadata
 * lacks the input shape, class count or normalisation.
 */
final class ModelOptions {
    @Option(names = "--run-dir", description = "run folder of a finished 'ringtrain train' (holds model.safetensors)")
    String runDir;
    @Option(names = "--weights", description = "a model.safetensors file instead of a run folder")
    String weights;
    @Option(names = "--model", description = "built-in model the weights belong to (default: from the weights' metadata)")
    String model;
    @Option(names = "--input-shape", split = ",", paramLabel = "C,H,W", description = "model input (default: from the metadata, else 1,28,28)")
    int[] inputShape;
    @Option(names = "--num-classes", description = "class count (default: from the metadata, else 10)")
    Integer numClasses;
    @Option(names = "--mean", split = ",", description = "per-channel mean of [0, 1] pixels (default: from the metadata, else computed from the data)")
    float[] mean;
    @Option(names = "--std", split = ",", description = "per-channel std (with --mean)")
    float[] std;

    /** Checks the choice of model before Spark starts. */
    void validate(Configuration conf) {
        if ((runDir == null) == (weights == null)) {
            throw new IllegalArgumentException("name the model with either --run-dir DIR (a finished training run) or --weights FILE [--model NAME]");
        }
        if ((mean == null) != (std == null)) throw new IllegalArgumentException("--mean and --std go together: pass both or neither");
        if (runDir != null) DataPaths.requireExists(runDir, "--run-dir", conf);
        if (weights != null) DataPaths.requireExists(weights, "--weights", conf);
    }

    SavedModel load(Configuration conf) {
        SavedModel saved;
        if (runDir != null) {
            if (model != null || inputShape != null || numClasses != null) {
                throw new IllegalArgumentException("--model, --input-shape and --num-classes go with --weights; a run folder's model states them");
            }
            saved = SavedModel.fromRunFolder(runDir, conf);
        } else {
            saved = SavedModel.fromFile(weights, model, inputShape, numClasses, conf);
        }
        return mean != null ? saved.withNormalization(mean, std) : saved;
    }
}
