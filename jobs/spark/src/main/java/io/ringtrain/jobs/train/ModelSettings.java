package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.ringtrain.jobs.models.ModelFactory;
import io.ringtrain.jobs.models.ModelRecipe;

import java.io.Serializable;

/**
 * What is trained and where it computes: a built-in model by name, or the user's own (a class, a
 * layer list or a model factory), the weights it starts from and the device. Part of
 * {@link TrainJobConfig#model}; config files and flags name these settings as before, without a
 * prefix ({@code model: mlp}, {@code --model mlp}).
 */
public final class ModelSettings implements Serializable {
    /** The model trained when none is named. */
    public static final String DEFAULT_MODEL = "fmnist-cnn";
    /** Built-in model name ({@link io.ringtrain.jobs.models.ModelZoo}): fmnist-cnn, mlp, small-resnet, lstm-classifier, transformer-classifier. Key {@code model}. */
    @JsonProperty("model")
    public String name = DEFAULT_MODEL;
    /**
     * A user's model class instead of a built-in one: {@link io.ringtrain.jobs.models.UserModelClass}
     * states its contract. Loaded from the classpath (spark-submit --jars). At most one of modelClass
     * and modelSpec, and then {@link #name} stays at its default.
     */
    public String modelClass;
    /** A declarative layer list instead of a built-in model: YAML or JSON text ({@link io.ringtrain.jobs.models.ModelSpec}). */
    public String modelSpec;
    /**
     * A Java API or Spark ML model factory instead of a built-in model, as {@link ModelFactory#encode}
     * writes it. A bean property rather than a public field: it has no command-line flag (the command
     * line names classes with modelClass).
     */
    private String modelFactory;
    /**
     * Warm start: a model.safetensors (local path or Hadoop URI) loaded into every replica's model
     * before training; names and shapes must match the model. A checkpoint in the run folder still
     * wins (resume). None when null.
     */
    public String initialWeights;
    /**
     * Where the replicas compute: cpu, cuda, cuda:N or auto. With cuda/auto each task takes the GPU
     * Spark assigned to it and runs its GEMMs there (the rest stays on the CPU; see docs/cuda.md);
     * auto falls back to the CPU with a notice where no GPU is usable.
     */
    public DeviceSetting device = DeviceSetting.CPU;

    public String getModelFactory() {
        return modelFactory;
    }

    public void setModelFactory(String encoded) {
        this.modelFactory = encoded;
    }

    /** Trains the model {@code factory} builds. */
    public ModelSettings factory(ModelFactory factory) {
        this.modelFactory = ModelFactory.encode(factory);
        return this;
    }

    /** The image model these settings name: {@link #modelClass}, {@link #modelSpec}, the model factory, or the built-in {@link #name}. */
    public ModelRecipe recipe() {
        if (modelClass != null) return ModelRecipe.ofClass(modelClass);
        if (modelSpec != null) return ModelRecipe.ofSpec(modelSpec);
        if (modelFactory != null) return ModelRecipe.ofEncodedFactory(modelFactory);
        return ModelRecipe.builtIn(name);
    }

    /** What run summaries, checkpoints and messages call the model ({@link ModelRecipe#label}). */
    public String label() {
        return ownsModel() ? recipe().label() : name;
    }

    /** Whether the user brings the model (a class, a layer list or a factory) rather than naming a built-in one. */
    boolean ownsModel() {
        return modelClass != null || modelSpec != null || modelFactory != null;
    }

    /**
     * Fails naming the first bad setting. Whether the model fits the data (its format, input shape
     * and classes) spans parts, so {@link TrainJobConfig#validate} checks that.
     */
    void validate() {
        TrainJobConfig.require(name != null, "model", null, "a built-in model name (ringtrain train --help lists them)");
        TrainJobConfig.require(device != null, "device", null, "cpu, cuda, cuda:N or auto");
        if (ownsModel()) {
            int given = (modelClass != null ? 1 : 0) + (modelSpec != null ? 1 : 0) + (modelFactory != null ? 1 : 0);
            TrainJobConfig.require(given == 1, "modelClass/modelSpec/modelFactory", (modelClass != null ? modelClass : "-") + "/"
                    + (modelSpec != null ? "(a layer list)" : "-") + "/" + (modelFactory != null ? "(a factory)" : "-"), "one of them, not several");
            TrainJobConfig.require(DEFAULT_MODEL.equals(name), "model", name, "unset when modelClass, modelSpec or a model factory names the model");
            TrainJobConfig.require(modelClass == null || !modelClass.isBlank(), "modelClass", modelClass, "a fully qualified class name");
        }
    }
}
