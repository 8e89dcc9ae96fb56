package io.ringtrain.jobs.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.AdaptiveAvgPool2d;
import io.ringtrain.engine.nn.AvgPool2d;
import io.ringtrain.engine.nn.BatchNorm1d;
import io.ringtrain.engine.nn.BatchNorm2d;
import io.ringtrain.engine.nn.Conv2d;
import io.ringtrain.engine.nn.Dropout;
import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.GELU;
import io.ringtrain.engine.nn.LeakyReLU;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.MaxPool2d;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.engine.nn.Sigmoid;
import io.ringtrain.engine.nn.Tanh;
import io.ringtrain.engine.nn.seq.FeedForwardActivation;
import io.ringtrain.engine.nn.seq.LSTM;
import io.ringtrain.engine.nn.seq.TransformerEncoderLayer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A declarative image classifier: a Sequential layer list in YAML or JSON, for users who do not
 * write Java. Either a list, or an object whose {@code layers} is the list; each layer an object
 * with {@code type} and its parameters:
 * <pre>
 * layers:
 *   - {type: conv2d, out_channels: 16, kernel_size: 3, padding: 1}
 *   - {type: batchnorm2d}
 *   - {type: relu}
 *   - {type: maxpool2d, kernel_size: 2}
 *   - {type: flatten}
 *   - {type: linear, out_features: 10}
 * </pre>
 * Input sizes are inferred from the input shape [channels, height, width] layer by layer, so a layer
 * names only what it outputs. Types (optional parameters with their defaults):
 * <ul>
 *   <li>images [C, H, W]: {@code conv2d} out_channels, kernel_size (stride 1, padding 0, bias true);
 *       {@code batchnorm2d}; {@code maxpool2d} kernel_size (stride kernel_size, padding 0);
 *       {@code avgpool2d} kernel_size (stride kernel_size, padding 0); {@code adaptive_avgpool2d} output_size;
 *       {@code flatten} to [C·H·W]; {@code rows}: one step per image row, [H, C·W]</li>
 *   <li>features [F]: {@code linear} out_features (bias true); {@code batchnorm1d}</li>
 *   <li>sequences [T, F]: {@code lstm} hidden_size (num_layers 1) to [T, hidden_size];
 *       {@code encoder_layer} heads (feedforward 4·F, dropout 0.1, activation relu or gelu);
 *       {@code last_step} and {@code mean_steps} to [F]</li>
 *   <li>any shape: {@code relu}, {@code gelu}, {@code tanh}, {@code sigmoid}, {@code leaky_relu}
 *       (negative_slope 0.01), {@code dropout} (p 0.5)</li>
 * </ul>
 * The last layer must give [numClasses] (checked by {@link ModelRecipe#requireFits}). Errors name
 * the layer by its index and the parameter at fault.
 */
public final class ModelSpec {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, List<String>> PARAMETERS = Map.ofEntries(
            Map.entry("conv2d", List.of("out_channels", "kernel_size", "stride", "padding", "bias")),
            Map.entry("batchnorm2d", List.of()),
            Map.entry("batchnorm1d", List.of()),
            Map.entry("maxpool2d", List.of("kernel_size", "stride", "padding")),
            Map.entry("avgpool2d", List.of("kernel_size", "stride", "padding")),
            Map.entry("adaptive_avgpool2d", List.of("output_size")),
            Map.entry("flatten", List.of()),
            Map.entry("rows", List.of()),
            Map.entry("linear", List.of("out_features", "bias")),
            Map.entry("lstm", List.of("hidden_size", "num_layers")),
            Map.entry("encoder_layer", List.of("heads", "feedforward", "dropout", "activation")),
            Map.entry("last_step", List.of()),
            Map.entry("mean_steps", List.of()),
            Map.entry("relu", List.of()),
            Map.entry("gelu", List.of()),
            Map.entry("tanh", List.of()),
            Map.entry("sigmoid", List.of()),
            Map.entry("leaky_relu", List.of("negative_slope")),
            Map.entry("dropout", List.of("p")));

    private final ArrayNode layers;

    private ModelSpec(ArrayNode layers) {
        this.layers = layers;
    }

    /** The layer list in {@code text} (YAML or JSON); fails naming the layer index and parameter of the first fault it can see without an input shape. */
    public static ModelSpec parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text == null ? "" : text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("model spec is not valid YAML/JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode list = root != null && root.isObject() && root.size() == 1 && root.has("layers") ? root.get("layers") : root;
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("model spec must be a non-empty list of layers (or an object with only 'layers', that list), "
                    + "each {type: ..., parameters}; got " + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase()));
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode layer = list.get(i);
            if (!layer.isObject() || !layer.path("type").isTextual()) {
                throw new IllegalArgumentException("model spec layer " + i + ": expected an object with a 'type' (one of " + types() + "), got " + layer);
            }
            String type = layer.get("type").asText();
            List<String> known = PARAMETERS.get(type);
            if (known == null) throw new IllegalArgumentException("model spec layer " + i + ": unknown layer type '" + type + "'; types: " + types());
            for (Iterator<String> names = layer.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("type") && !known.contains(name)) {
                    throw new IllegalArgumentException("model spec layer " + i + " (" + type + "): unknown parameter '" + name + "'; parameters: "
                            + (known.isEmpty() ? "none" : known));
                }
            }
        }
        return new ModelSpec((ArrayNode) list);
    }

    /** The layer list as compact JSON: what a saved model records. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(layers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The model for images of {@code inputShape}, each layer's input size inferred from the one before. */
    public Module build(int[] inputShape, int numClasses) {
        Sequential model = new Sequential();
        int[] shape = inputShape.clone();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = new Layer(i, (ObjectNode) layers.get(i), shape);
            model.add(layer.module());
            shape = layer.outputShape;
        }
        return model;
    }

    private static Set<String> types() {
        return new LinkedHashSet<>(PARAMETERS.keySet().stream().sorted().toList());
    }

    /** One layer being built: its module and its output shape, or a failure naming index and parameter. */
    private static final class Layer {
        private final int index;
        private final ObjectNode node;
        private final String type;
        private final int[] in;
        private int[] outputShape;

        Layer(int index, ObjectNode node, int[] in) {
            this.index = index;
            this.node = node;
            this.type = node.get("type").asText();
            this.in = in;
        }

        Module module() {
            return switch (type) {
                case "conv2d" -> {
                    needs(3, "images [channels, height, width]");
                    int out = positive("out_channels", null), k = positive("kernel_size", null), s = positive("stride", 1), p = atLeastZero("padding", 0);
                    outputShape = new int[] {out, spatial(in[1], k, s, p, "kernel_size"), spatial(in[2], k, s, p, "kernel_size")};
                    yield new Conv2d(in[0], out, new int[] {k, k}, new int[] {s, s}, new int[] {p, p}, new int[] {1, 1}, 1, bool("bias", true));
                }
                case "batchnorm2d" -> {
                    needs(3, "images [channels, height, width]");
                    outputShape = in;
                    yield new BatchNorm2d(in[0]);
                }
                case "batchnorm1d" -> {
                    needs(1, "features [F] (after flatten)");
                    outputShape = in;
                    yield new BatchNorm1d(in[0]);
                }
                case "maxpool2d", "avgpool2d" -> {
                    needs(3, "images [channels, height, width]");
                    int k = positive("kernel_size", null), s = positive("stride", k), p = atLeastZero("padding", 0);
                    outputShape = new int[] {in[0], spatial(in[1], k, s, p, "kernel_size"), spatial(in[2], k, s, p, "kernel_size")};
                    yield type.equals("maxpool2d") ? new MaxPool2d(k, s, p) : new AvgPool2d(new int[] {k, k}, new int[] {s, s}, new int[] {p, p}, true);
                }
                case "adaptive_avgpool2d" -> {
                    needs(3, "images [channels, height, width]");
                    int size = positive("output_size", null);
                    outputShape = new int[] {in[0], size, size};
                    yield new AdaptiveAvgPool2d(size);
                }
                case "flatten" -> {
                    outputShape = new int[] {Arrays.stream(in).reduce(1, Math::multiplyExact)};
                    yield new Flatten();
                }
                case "rows" -> {
                    needs(3, "images [channels, height, width]");
                    outputShape = new int[] {in[1], in[0] * in[2]};
                    yield new Rows();
                }
                case "linear" -> {
                    needs(1, "features [F]: put a flatten (images) or last_step/mean_steps (sequences) before it");
                    int out = positive("out_features", null);
                    outputShape = new int[] {out};
                    yield new Linear(in[0], out, bool("bias", true));
                }
                case "lstm" -> {
                    needs(2, "a sequence [steps, features]: put a rows layer before it for images");
                    int hidden = positive("hidden_size", null);
                    outputShape = new int[] {in[0], hidden};
                    yield new LSTM(in[1], hidden, positive("num_layers", 1), false, true, 0f);
                }
                case "encoder_layer" -> {
                    needs(2, "a sequence [steps, features]: put a rows layer before it for images");
                    int heads = positive("heads", null);
                    if (in[1] % heads != 0) {
                        throw fault("heads", "must divide the feature size " + in[1] + ", got " + heads);
                    }
                    String activation = text("activation", "relu");
                    if (!activation.equals("relu") && !activation.equals("gelu")) throw fault("activation", "must be relu or gelu, got '" + activation + "'");
                    outputShape = in;
                    yield new TransformerEncoderLayer(in[1], heads, positive("feedforward", 4 * in[1]), probability("dropout", 0.1f),
                            activation.equals("gelu") ? FeedForwardActivation.GELU : FeedForwardActivation.RELU, 1e-5f, true, false);
                }
                case "last_step", "mean_steps" -> {
                    needs(2, "a sequence [steps, features]");
                    outputShape = new int[] {in[1]};
                    yield type.equals("last_step") ? new LastStep() : new MeanSteps();
                }
                case "relu" -> same(new ReLU());
                case "gelu" -> same(new GELU());
                case "tanh" -> same(new Tanh());
                case "sigmoid" -> same(new Sigmoid());
                case "leaky_relu" -> same(new LeakyReLU((float) number("negative_slope", 0.01)));
                case "dropout" -> same(new Dropout(probability("p", 0.5f)));
                default -> throw new IllegalStateException("layer type '" + type + "' passed parse but has no builder here");
            };
        }

        private Module same(Module m) {
            outputShape = in;
            return m;
        }

        private void needs(int dims, String what) {
            if (in.length != dims) throw new IllegalArgumentException(where() + " takes " + what + ", but the layer before gives " + Arrays.toString(in));
        }

        private int spatial(int size, int k, int s, int p, String parameter) {
            int out = (size + 2 * p - k) / s + 1;
            if (size + 2 * p < k) throw fault(parameter, k + " is larger than the padded input " + (size + 2 * p) + " (input " + Arrays.toString(in) + ")");
            return out;
        }

        private int positive(String name, Integer byDefault) {
            int v = integer(name, byDefault);
            if (v < 1) throw fault(name, "must be ≥ 1, got " + v);
            return v;
        }

        private int atLeastZero(String name, int byDefault) {
            int v = integer(name, byDefault);
            if (v < 0) throw fault(name, "must be ≥ 0, got " + v);
            return v;
        }

        private int integer(String name, Integer byDefault) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                if (byDefault == null) throw fault(name, "is missing (required)");
                return byDefault;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) throw fault(name, "must be an integer, got " + v);
            return v.asInt();
        }

        private double number(String name, double byDefault) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return byDefault;
            if (!v.isNumber()) throw fault(name, "must be a number, got " + v);
            return v.asDouble();
        }

        private float probability(String name, float byDefault) {
            double p = number(name, byDefault);
            if (!(p >= 0 && p < 1)) throw fault(name, "must be in [0, 1), got " + p);
            return (float) p;
        }

        private boolean bool(String name, boolean byDefault) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return byDefault;
            if (!v.isBoolean()) throw fault(name, "must be true or false, got " + v);
            return v.asBoolean();
        }

        private String text(String name, String byDefault) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return byDefault;
            if (!v.isTextual()) throw fault(name, "must be a string, got " + v);
            return v.asText();
        }

        private IllegalArgumentException fault(String parameter, String problem) {
            return new IllegalArgumentException(where() + ": parameter '" + parameter + "' " + problem);
        }

        private String where() {
            return "model spec layer " + index + " (" + type + ")";
        }
    }

    /** Images [N, C, H, W] as sequences of rows [N, H, C·W], as {@link io.ringtrain.engine.models.LstmImageClassifier} reads them. */
    public static final class Rows extends Module {
        @Override
        public Tensor forward(Tensor input) {
            int[] s = input.shape();
            return input.permute(0, 2, 1, 3).contiguous().reshape(s[0], s[2], s[1] * s[3]);
        }
    }

    /** A sequence [N, T, F] to its last step [N, F]. */
    public static final class LastStep extends Module {
        @Override
        public Tensor forward(Tensor input) {
            return input.select(1, input.size(1) - 1);
        }
    }

    /** A sequence [N, T, F] to the mean of its steps [N, F]. */
    public static final class MeanSteps extends Module {
        @Override
        public Tensor forward(Tensor input) {
            return input.mean(1, false);
        }
    }
}
