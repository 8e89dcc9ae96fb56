package io.ringtrain.jobs.models;

import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.engine.models.BertEncoder;
import io.ringtrain.engine.models.CausalTransformerLanguageModel;
import io.ringtrain.engine.models.FmnistCnn;
import io.ringtrain.engine.models.LstmImageClassifier;
import io.ringtrain.engine.models.ResNet;
import io.ringtrain.engine.models.SmallResNet;
import io.ringtrain.engine.models.TransformerImageClassifier;
import io.ringtrain.engine.models.LstmLanguageModel;
import io.ringtrain.engine.models.PackedSeq2SeqTransformer;

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
 *   <li>{@code resnet18}, {@code resnet50}: torchvision's {@link ResNet} (11.2M / 23.5M parameters at 10 classes), any
 *       channel count; the stem follows the image size ({@link #resnetStem}): torchvision's ImageNet stem (7×7 stride 2 and
 *       max-pool) for images larger than {@value #CIFAR_STEM_MAX_SIDE} pixels on the shorter side, the cifar stem (3×3
 *       stride 1, no max-pool) up to that, where the ImageNet stem would leave layer4 a single pixel or less</li>
 * </ul>
 */
public final class ModelZoo {
    public static final List<String> NAMES = List.of("fmnist-cnn", "mlp", "small-resnet", "lstm-classifier", "transformer-classifier", "resnet18", "resnet50");
    /** The largest shorter image side that {@code resnet18}/{@code resnet50} meet with the cifar stem. */
    public static final int CIFAR_STEM_MAX_SIDE = 64;
    /** Models over character sequences (formats text and text-pairs), built by {@link #createText}. */
    public static final List<String> TEXT_NAMES = List.of("char-lstm", "char-transformer", "seq2seq-transformer", "bert-encoder");

    private ModelZoo() {}

    /**
     * Fails, naming the setting, unless {@code name} is a built-in image model that takes images of
     * {@code inputShape} and {@code numClasses} classes; checked on the driver before any data is read.
     */
    public static void requireFits(String name, int[] inputShape, int numClasses) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException(TEXT_NAMES.contains(name)
                    ? name + " is a text model: train it with --format " + textFormatOf(name)
                    : "unknown model '" + name + "'; built-in models: " + NAMES + ", text models: " + TEXT_NAMES);
        }
        if (inputShape == null || inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("model '" + name + "' needs an input shape [channels, height, width] of positive sizes, got "
                    + Arrays.toString(inputShape));
        }
        if (name.equals("fmnist-cnn") && (!Arrays.equals(inputShape, new int[] {1, 28, 28}) || numClasses != FmnistCnn.CLASSES)) {
            throw new IllegalArgumentException("fmnist-cnn takes [1, 28, 28] images and 10 classes, but the job has inputShape "
                    + Arrays.toString(inputShape) + " and " + numClasses + " classes; pick another model or resize the data");
        }
        if (name.equals("transformer-classifier")) transformerPatch(inputShape);
    }

    /** A freshly initialised model, seeded so every replica builds the same one (rank 0's is broadcast anyway). */
    public static Module create(String name, int[] inputShape, int numClasses, long seed) {
        requireFits(name, inputShape, numClasses);
        Init.manualSeed(seed);
        return switch (name) {
            case "fmnist-cnn" -> new FmnistCnn();
            case "mlp" -> {
                int in = inputShape[0] * inputShape[1] * inputShape[2];
                yield new Sequential(new Flatten(), new Linear(in, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, numClasses));
            }
            case "small-resnet" -> new SmallResNet(inputShape, numClasses);
            case "lstm-classifier" -> new LstmImageClassifier(inputShape, numClasses);
            case "transformer-classifier" ->
                    new TransformerImageClassifier(inputShape, numClasses, TransformerImageClassifier.Config.withPatch(transformerPatch(inputShape)));
            case "resnet18" -> ResNet.resnet18(inputShape[0], numClasses, resnetStem(inputShape));
            case "resnet50" -> ResNet.resnet50(inputShape[0], numClasses, resnetStem(inputShape));
            default -> throw new IllegalStateException("model '" + name + "' passed requireFits but has no constructor here");
        };
    }

    /**
     * The stem {@code resnet18}/{@code resnet50} get for images [C, H, W]: CIFAR up to
     * {@value #CIFAR_STEM_MAX_SIDE} pixels on the shorter side (32×32 and 28×28 images keep their
     * resolution into layer1), torchvision's ImageNet stem above (224×224 images, and the layout of
     * torchvision's pretrained weights).
     */
    public static ResNet.Stem resnetStem(int[] inputShape) {
        return Math.min(inputShape[1], inputShape[2]) <= CIFAR_STEM_MAX_SIDE ? ResNet.Stem.CIFAR : ResNet.Stem.IMAGENET;
    }

    private static int transformerPatch(int[] inputShape) {
        try {
            return TransformerImageClassifier.defaultPatchSize(inputShape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transformer-classifier cannot take inputShape " + Arrays.toString(inputShape) + ": " + e.getMessage(), e);
        }
    }

    public static boolean isText(String name) {
        return TEXT_NAMES.contains(name);
    }

    /** The data format a text model trains on: text (language models) or text-pairs (seq2seq, and bert-encoder's text→label pairs). */
    public static io.ringtrain.jobs.data.formats.TextFormat textFormatOf(String name) {
        return name.equals("seq2seq-transformer") || isTextClassifier(name) ? io.ringtrain.jobs.data.formats.TextFormat.PAIRS : io.ringtrain.jobs.data.formats.TextFormat.TEXT;
    }

    /**
     * Whether the text model classifies a whole sequence (bert-encoder): it reads a text-pairs line
     * as {@code text<TAB>label} with a one-character label, and is trained with classification
     * cross-entropy over its vocabulary (see {@link io.ringtrain.jobs.data.SequenceSamples#classification}).
     */
    public static boolean isTextClassifier(String name) {
        return name.equals("bert-encoder");
    }

    /**
     * A freshly initialised text model over a vocabulary of {@code vocabSize} tokens:
     * char-lstm (embedding H, numLayers LSTM layers of H), char-transformer (d = H, numHeads heads,
     * numLayers causal pre-LN blocks, seqLen positions) or seq2seq-transformer (d = H, numHeads heads,
     * numLayers encoder and decoder layers, feed-forward 2·H, PAD = 0, seqLen + 1 positions) or
     * bert-encoder ({@link BertEncoder}: d = H, numHeads heads, numLayers post-LN layers, feed-forward 4·H
     * as BERT's, dropout 0.1, PAD = 0, seqLen + 1 positions for [CLS] (BOS) + text, one class per token
     * of the vocabulary).
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
            case "bert-encoder" -> new BertEncoder(new BertEncoder.Config(vocabSize, hiddenSize, numHeads, 4 * hiddenSize, numLayers, seqLen + 1, 2,
                    0, 0.1f, 1e-12f), vocabSize);
            default -> throw new IllegalArgumentException("unknown text model '" + name + "'; text models: " + TEXT_NAMES);
        };
    }
}
