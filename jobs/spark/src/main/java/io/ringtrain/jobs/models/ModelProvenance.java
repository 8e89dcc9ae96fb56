package io.ringtrain.jobs.models;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a saved model came from and how to rebuild it (in the spirit of Tribuo's provenance): the
 * model's recipe, the training run (data, replicas, seed, epochs), the input it expects, the code
 * version and the final test accuracy. It travels as the safetensors file's string metadata
 * ({@link #toMetadata}, {@link #fromMetadata}), whose keys and formats are those every saved model
 * has had, so files written before this class existed read back the same; a key an older file
 * lacks reads as null.
 *
 * @param model        how to rebuild the model: {@link ModelRecipe#metadata()} for an image model,
 *                     {@code {"model": name}} for a text model
 * @param training     the run that trained it
 * @param image        an image model's input and labels; null for a text model
 * @param textModel    a text model's settings ({@code format}, {@code vocabulary}, {@code seq_len}, ...); empty for an image model
 * @param codeVersion  the ringtrain version that trained it
 * @param testAccuracy accuracy on the test split after the last epoch; null when there was none
 */
public record ModelProvenance(Map<String, String> model, Training training, ImageInput image, Map<String, String> textModel,
                              String codeVersion, Double testAccuracy) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> RECIPE_KEYS = List.of(ModelRecipe.MODEL, ModelRecipe.MODEL_CLASS, ModelRecipe.MODEL_CONSTRUCTOR,
            ModelRecipe.MODEL_SPEC, ModelRecipe.MODEL_FACTORY);
    /** The keys of a text model's settings; {@code vocabulary} marks a text model. */
    private static final List<String> TEXT_KEYS = List.of("format", "vocabulary", "num_classes", "seq_len", "stride", "validation_fraction",
            "hidden_size", "num_layers", "num_heads");
    static final String INPUT_SHAPE = "input_shape";
    static final String NUM_CLASSES = "num_classes";
    static final String MEAN = "mean";
    static final String STD = "std";

    /** Metadata key of the user's loss function the model was trained with (Base64 Java serialisation); absent for the model's own objective. */
    static final String LOSS_FUNCTION = "loss_function";

    /**
     * The training run's settings that shaped the weights; each null when an older file does not
     * record it. {@code lossFunction}: the user's loss ({@code LossFunction.encode}), which
     * evaluation reports in place of cross-entropy; null for the model's own objective.
     */
    public record Training(String data, Integer replicas, Long seed, Integer epochs, String lossFunction) {
        /** A run trained with the model's own objective. */
        public Training(String data, Integer replicas, Long seed, Integer epochs) {
            this(data, replicas, seed, epochs, null);
        }
    }

    /**
     * An image model's input [channels, height, width], class count, per-channel normalisation and
     * class names (entry k naming class k); each null when not recorded.
     */
    public record ImageInput(int[] inputShape, Integer numClasses, float[] mean, float[] std, List<String> classNames) {}

    public ModelProvenance {
        model = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(model));
        if (training == null) training = new Training(null, null, null, null);
        textModel = textModel == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(textModel));
    }

    /** How to rebuild the model ({@link ModelRecipe#fromMetadata}): a user's class must be on the classpath. Null when no model is recorded. */
    public ModelRecipe recipe() {
        return ModelRecipe.fromMetadata(model);
    }

    /**
     * The safetensors metadata, in the order the training job has always written it: the model's
     * keys, data, replicas, seed, epochs, (a user's loss function,) the input (or the text model's settings), code_version,
     * test_accuracy. Null fields are left out.
     */
    public Map<String, String> toMetadata() {
        Map<String, String> out = new LinkedHashMap<>(model);
        putIfKnown(out, "data", training.data());
        putIfKnown(out, "replicas", training.replicas());
        putIfKnown(out, "seed", training.seed());
        putIfKnown(out, "epochs", training.epochs());
        putIfKnown(out, LOSS_FUNCTION, training.lossFunction());
        if (!textModel.isEmpty()) {
            out.putAll(textModel);
        } else if (image != null) {
            if (image.inputShape() != null) out.put(INPUT_SHAPE, Arrays.stream(image.inputShape()).mapToObj(Integer::toString).collect(Collectors.joining(",")));
            putIfKnown(out, NUM_CLASSES, image.numClasses());
            if (image.mean() != null && image.std() != null) {
                out.put(MEAN, join(image.mean()));
                out.put(STD, join(image.std()));
            }
            if (image.classNames() != null) out.put(SavedModel.CLASS_NAMES, SavedModel.encodeClassNames(image.classNames()));
        }
        putIfKnown(out, "code_version", codeVersion);
        putIfKnown(out, "test_accuracy", testAccuracy);
        return out;
    }

    /**
     * The provenance a saved model's metadata records; {@code source} names the file in errors. A
     * value that does not parse is refused, naming the key, the value and the file.
     */
    public static ModelProvenance fromMetadata(Map<String, String> metadata, String source) {
        Map<String, String> model = new LinkedHashMap<>();
        for (String key : RECIPE_KEYS) if (metadata.containsKey(key)) model.put(key, metadata.get(key));
        Training training = new Training(metadata.get("data"), parse(metadata, "replicas", source, Integer::valueOf),
                parse(metadata, "seed", source, Long::valueOf), parse(metadata, "epochs", source, Integer::valueOf), metadata.get(LOSS_FUNCTION));
        Map<String, String> text = new LinkedHashMap<>();
        ImageInput image = null;
        if (metadata.containsKey("vocabulary")) {
            for (String key : TEXT_KEYS) if (metadata.containsKey(key)) text.put(key, metadata.get(key));
        } else {
            float[] mean = null, std = null;
            if (metadata.containsKey(MEAN) && metadata.containsKey(STD)) {
                mean = parseFloats(metadata.get(MEAN), MEAN, source);
                std = parseFloats(metadata.get(STD), STD, source);
            }
            image = new ImageInput(metadata.containsKey(INPUT_SHAPE) ? parseInts(metadata.get(INPUT_SHAPE), INPUT_SHAPE, source) : null,
                    parse(metadata, NUM_CLASSES, source, s -> Integer.valueOf(s.trim())), mean, std,
                    metadata.containsKey(SavedModel.CLASS_NAMES) ? parseClassNames(metadata.get(SavedModel.CLASS_NAMES), source) : null);
        }
        return new ModelProvenance(model, training, image, text, metadata.get("code_version"),
                parse(metadata, "test_accuracy", source, Double::valueOf));
    }

    private static void putIfKnown(Map<String, String> out, String key, Object value) {
        if (value != null) out.put(key, value.toString());
    }

    private static <T> T parse(Map<String, String> metadata, String key, String source, java.util.function.Function<String, T> parser) {
        String text = metadata.get(key);
        if (text == null) return null;
        try {
            return parser.apply(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' = '" + text + "' of " + source + " is not a number");
        }
    }

    private static String join(float[] values) {
        StringBuilder sb = new StringBuilder();
        for (float v : values) sb.append(sb.length() == 0 ? "" : ",").append(v);
        return sb.toString();
    }

    private static int[] parseInts(String text, String key, String source) {
        try {
            return Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' = '" + text + "' of " + source + " is not a comma-separated list of integers");
        }
    }

    private static float[] parseFloats(String text, String key, String source) {
        try {
            String[] parts = text.split(",");
            float[] out = new float[parts.length];
            for (int i = 0; i < parts.length; i++) out[i] = Float.parseFloat(parts[i].trim());
            return out;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' = '" + text + "' of " + source + " is not a comma-separated list of numbers");
        }
    }

    private static List<String> parseClassNames(String text, String source) {
        try {
            return List.of(JSON.readValue(text, String[].class));
        } catch (IOException | NullPointerException e) {
            throw new IllegalArgumentException("metadata '" + SavedModel.CLASS_NAMES + "' = '" + text + "' of " + source + " is not a JSON array of class names");
        }
    }
}
