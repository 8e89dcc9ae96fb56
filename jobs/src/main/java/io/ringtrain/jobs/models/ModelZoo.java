package io.ringtrain.jobs.models;

import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.engine.models.CausalTransformerLanguageModel;
import io.ringtrain.engine.models.FmnistCnn;
import io.ringtrain.engine.models.LstmLanguageModel;
import io.ringtrain.engine.models.PackedSeq2SeqTransformer;

import java.util.Arrays;
import java.util.List;

/** The built-in models the command line and the jobs can train, by name. */
public final class ModelZoo {
    public static final List<String> NAMES = List.of("fmnist-cnn", "mlp");
    /** Models over character sequences (formats text and text-pairs), built by {@link #createText}. */
    public static final List<String> TEXT_NAMES = List.of("char-lstm", "char-transformer", "seq2seq-transformer");

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
            default -> throw new IllegalArgumentException(TEXT_NAMES.contains(name)
                    ? name + " is a text model: train it with --format " + textFormatOf(name)
                    : "unknown model '" + name + "'; built-in models: " + NAMES + ", text models: " + TEXT_NAMES);
        }
    }

    public static boolean isText(String name) {
        return TEXT_NAMES.contains(name);
    }

    /** The data format a text model trains on: text (language models) or text-pairs (seq2seq). */
    public static String textFormatOf(String name) {
        return name.equals("seq2seq-transformer") ? "text-pairs" : "text";
    }

    /**
     * A freshly initialised text model over a vocabulary of {@code vocabSize} tokens:
     * char-lstm (embedding H, numLayers LSTM layers of H), char-transformer (d = H, numHeads heads,
     * numLayers causal pre-LN blocks, seqLen positions) or seq2seq-transformer (d = H, numHeads heads,
     * numLayers encoder and decoder layers, feed-forward 2·H, PAD = 0, seqLen + 1 positions).
     */
    public static Module createText(String name, int vocabSize, int seqLen, int hiddenSize, int numLayers, int numHeads, long seed) {
        Init.manualSeed(seed);
        return switch (name) {
            case "char-lstm" -> new LstmLanguageModel(vocabSize, hiddenSize, numLayers);
            case "char-transformer" -> new CausalTransformerLanguageModel(vocabSize, hiddenSize, numHeads, numLayers, seqLen);
            case "seq2seq-transformer" -> {
                if (hiddenSize % numHeads != 0) {
                    throw new IllegalArgumentException("seq2seq-transformer: hiddenSize " + hiddenSize + " is not divisible by numHeads " + numHeads);
                }
                yield new PackedSeq2SeqTransformer(vocabSize, hiddenSize, numHeads, numLayers, 2 * hiddenSize, 0, seqLen + 1);
            }
            default -> throw new IllegalArgumentException("unknown text model '" + name + "'; text models: " + TEXT_NAMES);
        };
    }
}
