package io.ringtrain.jobs.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Module;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to build an image classifier, and how a saved model records it: a built-in model by name
 * ({@link ModelZoo}), a user's class ({@link UserModelClass}), a declarative layer list
 * ({@link ModelSpec}) or a serialisable {@link ModelFactory} (Java API, Spark ML). Every recipe
 * takes the input shape [channels, height, width] and the class count; {@link #requireFits} checks
 * on the driver, before any Spark work, that the model builds and gives logits [N, numClasses].
 *
 * <p>In a saved model's metadata, {@value #MODEL} names it ({@link #label}); a user's class adds
 * {@value #MODEL_CLASS} and {@value #MODEL_CONSTRUCTOR} (the constructor it was built with), a spec
 * adds {@value #MODEL_SPEC} (the layer list as JSON), a factory adds {@value #MODEL_FACTORY} (its
 * Java serialisation, Base64).
 */
public final class ModelRecipe implements Serializable {
    public static final String MODEL = "model";
    public static final String MODEL_CLASS = "model_class";
    public static final String MODEL_CONSTRUCTOR = "model_constructor";
    public static final String MODEL_SPEC = "model_spec";
    public static final String MODEL_FACTORY = "model_factory";
    /** What {@value #MODEL} says of a model built from a layer list. */
    public static final String SPEC_LABEL = "model-spec";

    private enum Kind { BUILT_IN, CLASS, SPEC, FACTORY }

    private final Kind kind;
    /** The built-in name, the class name, the layer list's JSON, or the factory's {@link ModelFactory#encode encoding}. */
    private final String value;
    /** The constructor signature a saved class model was built with; null: pick by the contract. */
    private final String constructor;
    /** A factory's {@link ModelFactory#describe description}; null for the other kinds. */
    private final String factoryLabel;

    private ModelRecipe(Kind kind, String value, String constructor) {
        this(kind, value, constructor, null);
    }

    private ModelRecipe(Kind kind, String value, String constructor, String factoryLabel) {
        this.kind = kind;
        this.value = value;
        this.constructor = constructor;
        this.factoryLabel = factoryLabel;
    }

    public static ModelRecipe builtIn(String name) {
        return new ModelRecipe(Kind.BUILT_IN, name, null);
    }

    /** A user's class, its constructor chosen by the {@link UserModelClass} contract. */
    public static ModelRecipe ofClass(String className) {
        return new ModelRecipe(Kind.CLASS, className, null);
    }

    /** A layer list (YAML or JSON text); parsed, and so checked, here. */
    public static ModelRecipe ofSpec(String specText) {
        return new ModelRecipe(Kind.SPEC, ModelSpec.parse(specText).toJson(), null);
    }

    /** A Java API or Spark ML model factory. */
    public static ModelRecipe ofFactory(ModelFactory factory) {
        return new ModelRecipe(Kind.FACTORY, ModelFactory.encode(factory), null, ModelFactory.describe(factory));
    }

    /** A factory as {@link ModelFactory#encode} wrote it; read back here, so a missing class fails naming it. */
    public static ModelRecipe ofEncodedFactory(String encoded) {
        return new ModelRecipe(Kind.FACTORY, encoded, null, ModelFactory.describe(ModelFactory.decode(encoded, "(saved)")));
    }

    /**
     * The recipe a saved model's metadata records, or null when it names none. A user's class is
     * loaded here, so a missing class fails naming it and saying to add its jar.
     */
    public static ModelRecipe fromMetadata(Map<String, String> metadata) {
        if (metadata.containsKey(MODEL_CLASS)) {
            String className = metadata.get(MODEL_CLASS);
            String signature = metadata.getOrDefault(MODEL_CONSTRUCTOR, UserModelClass.Signature.SHAPE_AND_CLASSES.signature());
            UserModelClass.load(className, signature);
            return new ModelRecipe(Kind.CLASS, className, signature);
        }
        if (metadata.containsKey(MODEL_SPEC)) return ofSpec(metadata.get(MODEL_SPEC));
        if (metadata.containsKey(MODEL_FACTORY)) {
            String label = metadata.getOrDefault(MODEL, "(unnamed)");
            return new ModelRecipe(Kind.FACTORY, metadata.get(MODEL_FACTORY), null, ModelFactory.describe(ModelFactory.decode(metadata.get(MODEL_FACTORY), label)));
        }
        return metadata.containsKey(MODEL) ? builtIn(metadata.get(MODEL)) : null;
    }

    /**
     * The built-in model's name, the class name, {@value #SPEC_LABEL}, or the factory's description
     * ({@code com.acme.MyNet::new}): what messages, run summaries and checkpoints call it.
     */
    public String label() {
        return switch (kind) {
            case BUILT_IN, CLASS -> value;
            case SPEC -> SPEC_LABEL;
            case FACTORY -> factoryLabel;
        };
    }

    public boolean isBuiltIn() {
        return kind == Kind.BUILT_IN;
    }

    /**
     * Fails, naming the model and what it must be, unless it builds for images of {@code inputShape}
     * and {@code numClasses} classes and gives logits [N, numClasses]; the driver calls this before
     * any data is read.
     */
    public void requireFits(int[] inputShape, int numClasses) {
        if (kind == Kind.BUILT_IN) {
            ModelZoo.requireFits(value, inputShape, numClasses);
            return;
        }
        if (inputShape == null || inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException(describe() + " needs an input shape [channels, height, width] of positive sizes, got "
                    + Arrays.toString(inputShape));
        }
        requireLogits(build(inputShape, numClasses), inputShape, numClasses);
    }

    /** A freshly initialised model, seeded so every replica builds the same one (rank 0's is broadcast anyway). */
    public Module create(int[] inputShape, int numClasses, long seed) {
        if (kind == Kind.BUILT_IN) return ModelZoo.create(value, inputShape, numClasses, seed);
        Init.manualSeed(seed);
        return build(inputShape, numClasses);
    }

    /** What a saved model's metadata records of this recipe (see the class comment). */
    public Map<String, String> metadata() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(MODEL, label());
        if (kind == Kind.CLASS) {
            out.put(MODEL_CLASS, value);
            out.put(MODEL_CONSTRUCTOR, constructor != null ? constructor : UserModelClass.load(value).signature().signature());
        } else if (kind == Kind.SPEC) {
            out.put(MODEL_SPEC, value);
        } else if (kind == Kind.FACTORY) {
            out.put(MODEL_FACTORY, value);
        }
        return out;
    }

    private Module build(int[] inputShape, int numClasses) {
        return switch (kind) {
            case CLASS -> (constructor != null ? UserModelClass.load(value, constructor) : UserModelClass.load(value)).instantiate(inputShape, numClasses);
            case SPEC -> ModelSpec.parse(value).build(inputShape, numClasses);
            case FACTORY -> {
                ModelFactory factory = ModelFactory.decode(value, factoryLabel);
                Module built;
                try {
                    built = factory.create(inputShape.clone(), numClasses);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("model factory " + factoryLabel + " failed with " + e + "; " + expectation(), e);
                }
                if (built == null) throw new IllegalArgumentException("model factory " + factoryLabel + " returned null; " + expectation());
                yield built;
            }
            case BUILT_IN -> ModelZoo.create(value, inputShape, numClasses, 0);
        };
    }

    private void requireLogits(Module model, int[] inputShape, int numClasses) {
        int[] batch = {2, inputShape[0], inputShape[1], inputShape[2]};
        int[] out;
        model.eval();
        try {
            out = model.forward(Tensor.zeros(batch)).shape();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(describe() + " fails on a batch " + Arrays.toString(batch) + ": " + e.getMessage()
                    + "; " + expectation(), e);
        }
        if (!Arrays.equals(out, new int[] {2, numClasses})) {
            throw new IllegalArgumentException(describe() + " maps a batch " + Arrays.toString(batch) + " to " + Arrays.toString(out)
                    + ", not to logits [2, " + numClasses + "] for numClasses " + numClasses + "; " + expectation());
        }
    }

    private String describe() {
        return switch (kind) {
            case CLASS -> "model class " + value;
            case FACTORY -> "model factory " + factoryLabel;
            default -> "model spec";
        };
    }

    private String expectation() {
        return switch (kind) {
            case CLASS -> "it must be " + UserModelClass.CONTRACT + ", mapping [N, channels, height, width] to [N, numClasses]";
            case FACTORY -> "it must build a Module mapping [N, channels, height, width] to [N, numClasses]";
            default -> "its last layer must give numClasses outputs";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelRecipe r && r.kind == kind && r.value.equals(value);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + value.hashCode();
    }

    @Override
    public String toString() {
        return label();
    }
}
