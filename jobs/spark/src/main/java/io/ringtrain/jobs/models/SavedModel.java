package io.ringtrain.jobs.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.run.RunFolder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A trained model as evaluation and prediction need it: how to build it ({@link ModelRecipe}: a
 * built-in model, a user's class or a layer list), its input shape
 * [channels, height, width] and class count, the per-channel normalisation it was trained with, and
 * its weights (the safetensors file's bytes, so the whole thing ships to executors as is).
 *
 * <p>Each setting comes from, in order: what the caller passes explicitly, the weights' metadata
 * (written by the training job: the recipe's keys, {@code input_shape}, {@code num_classes},
 * {@code mean}, {@code std}, comma-separated, and {@code class_names}, a JSON array), the run
 * folder's {@code config.json}, and the training defaults ([1, 28, 28], 10 classes). A model without
 * stored normalisation has {@link #mean()} null: the caller computes it ({@code Normalization.compute})
 * and applies {@link #withNormalization}. A model without class names (IDX data, older files) has
 * {@link #classNames()} null: its labels are indices.
 */
public final class SavedModel implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Metadata key of the class names: a JSON array of strings, entry k naming class k. */
    public static final String CLASS_NAMES = "class_names";

    private final ModelRecipe recipe;
    private final int[] inputShape;
    private final int numClasses;
    private final float[] mean;
    private final float[] std;
    private final List<String> classNames;
    private final byte[] safetensors;
    private final String source;

    private SavedModel(ModelRecipe recipe, int[] inputShape, int numClasses, float[] mean, float[] std, List<String> classNames, byte[] safetensors, String source) {
        this.recipe = recipe;
        this.inputShape = inputShape.clone();
        this.numClasses = numClasses;
        this.mean = mean;
        this.std = std;
        this.classNames = classNames;
        this.safetensors = safetensors;
        this.source = source;
    }

    /** The final model of a training run: {@code runDir/model.safetensors}, with {@code runDir/config.json} as fallback settings. */
    public static SavedModel fromRunFolder(String runDir, Configuration conf) {
        RunFolder run = new RunFolder(runDir);
        if (!run.exists(conf, WEIGHTS_FILE)) {
            throw new IllegalArgumentException("no " + WEIGHTS_FILE + " in the run folder " + runDir
                    + "; pass the folder a finished 'ringtrain train' wrote, or --model NAME --weights FILE");
        }
        JsonNode config = null;
        if (run.exists(conf, "config.json")) {
            try {
                config = JSON.readTree(run.readText(conf, "config.json"));
            } catch (IOException e) {
                config = null; // the weights' metadata is the primary source; config.json only fills gaps
            }
        }
        return fromBytes(readAll(run.path(WEIGHTS_FILE).toString(), conf), run.path(WEIGHTS_FILE).toString(), null, null, null, config);
    }

    /**
     * A weights file anywhere (local or Hadoop URI). {@code name}, {@code inputShape} and
     * {@code numClasses} may be null to take them from the file's metadata.
     */
    public static SavedModel fromFile(String weights, String name, int[] inputShape, Integer numClasses, Configuration conf) {
        return fromBytes(readAll(weights, conf), weights, name, inputShape, numClasses, null);
    }

    /** A model from a safetensors file's bytes; explicit settings override the metadata. */
    public static SavedModel fromBytes(byte[] bytes, String source, String name, int[] inputShape, Integer numClasses, JsonNode config) {
        Map<String, String> metadata = parse(bytes, source).metadata();
        ModelRecipe recipe = name != null ? ModelRecipe.builtIn(name) : recipeOf(metadata, config, source);
        if (recipe == null) {
            throw new IllegalArgumentException(source + " does not say which model it holds (no 'model' in its metadata); pass --model NAME, one of "
                    + ModelZoo.NAMES);
        }
        String model = recipe.label();
        if (recipe.isBuiltIn() && ModelZoo.isText(model)) {
            throw new IllegalArgumentException(source + " holds the text model '" + model + "'; evaluate it with --format "
                    + ModelZoo.textFormatOf(model) + " and sample from it with 'ringtrain generate'");
        }
        if (recipe.isBuiltIn() && !ModelZoo.NAMES.contains(model)) {
            throw new IllegalArgumentException(source + " holds model '" + model + "', which is not a built-in model " + ModelZoo.NAMES);
        }
        ModelProvenance.ImageInput recorded = ModelProvenance.fromMetadata(metadata, source).image();
        int[] shape = inputShape != null ? inputShape
                : recorded.inputShape() != null ? recorded.inputShape()
                : config != null && config.has("inputShape") ? JSON.convertValue(config.get("inputShape"), int[].class)
                : new int[] {1, 28, 28};
        int classes = numClasses != null ? numClasses
                : recorded.numClasses() != null ? recorded.numClasses()
                : config != null && config.has("numClasses") ? config.get("numClasses").asInt()
                : 10;
        float[] mean = recorded.mean(), std = recorded.std();
        if (mean == null && config != null && config.hasNonNull("mean") && config.hasNonNull("std")) {
            mean = JSON.convertValue(config.get("mean"), float[].class);
            std = JSON.convertValue(config.get("std"), float[].class);
        }
        List<String> names = recorded.classNames() != null ? recorded.classNames()
                : config != null && config.hasNonNull("classNames") ? List.of(JSON.convertValue(config.get("classNames"), String[].class))
                : null;
        if (names != null && names.size() > classes) {
            throw new IllegalArgumentException(source + " names " + names.size() + " classes " + names + " but the model has " + classes
                    + " outputs; pass the --num-classes it was trained with");
        }
        SavedModel saved = new SavedModel(recipe, shape, classes, null, null, names, bytes, source);
        return mean == null ? saved : saved.withNormalization(mean, std);
    }

    /** The same model fed with the given per-channel normalisation (one value per input channel). */
    public SavedModel withNormalization(float[] mean, float[] std) {
        if (mean == null || std == null || mean.length != inputShape[0] || std.length != inputShape[0]) {
            throw new IllegalArgumentException("normalisation " + Arrays.toString(mean) + " / " + Arrays.toString(std) + " of " + source
                    + " does not have one mean and one std per input channel (" + inputShape[0] + ")");
        }
        return new SavedModel(recipe, inputShape, numClasses, mean.clone(), std.clone(), classNames, safetensors, source);
    }

    /** A fresh instance with the saved weights, in eval mode (BatchNorm uses its running statistics). */
    public Module instantiate() {
        Module module = recipe.create(inputShape, numClasses, 0);
        try {
            module.loadStateDict(parse(safetensors, source).tensors(), true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the weights in " + source + " do not fit model '" + recipe.label() + "' with input shape "
                    + Arrays.toString(inputShape) + " and " + numClasses + " classes: " + e.getMessage()
                    + "; pass the model name, input shape and class count it was trained with", e);
        }
        module.eval();
        return module;
    }

    /** The built-in model's name, the user's class name, or "model-spec". */
    public String name() {
        return recipe.label();
    }

    /** How this model is built (written back by {@link #toSafetensors}). */
    public ModelRecipe recipe() {
        return recipe;
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    public int numClasses() {
        return numClasses;
    }

    /** Per-channel mean of [0, 1] pixels, or null when the model does not store it. */
    public float[] mean() {
        return mean == null ? null : mean.clone();
    }

    public float[] std() {
        return std == null ? null : std.clone();
    }

    /** The class names the model was trained with (entry k names class k), or null when it stores none. */
    public List<String> classNames() {
        return classNames;
    }

    /** Class k's name, or k itself when the model stores no name for it. */
    public String className(int k) {
        return classNames != null && k < classNames.size() ? classNames.get(k) : Integer.toString(k);
    }

    /** The {@link #CLASS_NAMES} metadata value for {@code names}. */
    public static String encodeClassNames(List<String> names) {
        try {
            return JSON.writeValueAsString(names);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the weights came from (a path), for messages and reports. */
    public String source() {
        return source;
    }

    /** The safetensors file: weights and metadata. */
    public byte[] safetensorsBytes() {
        return safetensors.clone();
    }

    /**
     * The weights as a safetensors file whose metadata states every setting resolved here (model,
     * input_shape, num_classes and, when known, mean, std and class_names), so the file alone rebuilds this model.
     */
    public byte[] toSafetensors() {
        SafeTensors.Contents contents = parse(safetensors, source);
        Map<String, String> metadata = new java.util.LinkedHashMap<>(contents.metadata());
        metadata.keySet().removeAll(List.of(ModelRecipe.MODEL, ModelRecipe.MODEL_CLASS, ModelRecipe.MODEL_CONSTRUCTOR, ModelRecipe.MODEL_SPEC));
        metadata.putAll(recipe.metadata());
        metadata.putAll(new ModelProvenance(Map.of(), null, new ModelProvenance.ImageInput(inputShape, numClasses, mean, std, classNames), Map.of(),
                null, null).toMetadata());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(safetensors.length + 256);
        try {
            // int64 entries (num_batches_tracked) stay int64; every other dtype is float32 once read
            Map<String, String> int64 = new java.util.LinkedHashMap<>();
            contents.dtypes().forEach((key, dtype) -> { if (dtype.equals("I64")) int64.put(key, dtype); });
            SafeTensors.write(out, contents.tensors(), int64, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The weights' recorded recipe, else the run folder's config.json's model settings; null when neither names one. */
    private static ModelRecipe recipeOf(Map<String, String> metadata, JsonNode config, String source) {
        try {
            ModelRecipe recorded = ModelRecipe.fromMetadata(metadata);
            if (recorded != null || config == null) return recorded;
            if (config.hasNonNull("modelClass")) return ModelRecipe.ofClass(config.get("modelClass").asText());
            if (config.hasNonNull("modelSpec")) return ModelRecipe.ofSpec(config.get("modelSpec").asText());
            if (config.hasNonNull("modelFactory")) return ModelRecipe.ofEncodedFactory(config.get("modelFactory").asText());
            return config.hasNonNull("model") ? ModelRecipe.builtIn(config.get("model").asText()) : null;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot rebuild the model of " + source + ": " + e.getMessage(), e);
        }
    }

    public Map<String, String> metadata() {
        return parse(safetensors, source).metadata();
    }

    /** Where these weights came from and how to rebuild them, as their metadata records it. */
    public ModelProvenance provenance() {
        return ModelProvenance.fromMetadata(metadata(), source);
    }

    private static SafeTensors.Contents parse(byte[] bytes, String source) {
        try {
            return SafeTensors.read(new ByteArrayInputStream(bytes), source);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not a readable safetensors file: " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(String location, Configuration conf) {
        Path p = new Path(location);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) throw new IllegalArgumentException("weights file " + location + " does not exist; pass a model.safetensors written by 'ringtrain train'");
            try (InputStream in = fs.open(p)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read weights file " + location + ": " + e.getMessage(), e);
        }
    }

}
