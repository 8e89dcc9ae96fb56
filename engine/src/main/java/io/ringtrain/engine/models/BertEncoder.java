package io.ringtrain.engine.models;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Dropout;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.seq.FeedForwardActivation;
import io.ringtrain.engine.nn.seq.TransformerEncoder;
import io.ringtrain.engine.nn.seq.TransformerEncoderLayer;

/**
 * A BERT encoder with a pooled classifier head ("bert-encoder"; Devlin et al. 2019):
 * <pre>
 *   ids [B, L] → embeddings: LayerNorm(word + position + token type), dropout       → [B, L, d]
 *              → encoder: layers × post-LN TransformerEncoderLayer(d, heads, ffn, exact GELU), padding mask
 *              → pooler: tanh(dense(token 0))                                       → pooled [B, d]
 *              → dropout → classifier (d → classes)                                 → logits [B, classes]
 * </pre>
 * Padding: tokens equal to {@code padId} (or marked in an explicit mask) are keys no position attends
 * to, so the outputs at real positions, the pooled vector and the logits do not depend on what the
 * padded positions hold. Token 0 (BERT's [CLS]) must be a real token.
 *
 * <p>State-dict names: HuggingFace {@code BertModel}'s for the embeddings and the pooler
 * ({@code embeddings.word_embeddings.weight}, {@code embeddings.LayerNorm.weight},
 * {@code pooler.dense.weight}) and {@code classifier.weight} as in {@code BertForSequenceClassification};
 * PyTorch {@code nn.TransformerEncoder}'s for the layer stack ({@code encoder.layers.0.self_attn.in_proj_weight},
 * {@code encoder.layers.0.linear1.weight}, {@code encoder.layers.0.norm1.weight}): HuggingFace's separate
 * query/key/value weights concatenate into {@code in_proj_weight} in that order. Dropout (one rate for
 * hidden states and attention probabilities, as BERT's default 0.1) applies in training mode only.
 */
public class BertEncoder extends Module {
    /** Sizes; {@link #base} is BERT-base, {@link #small} a test-sized model. */
    public record Config(int vocabSize, int dModel, int heads, int feedForward, int layers, int maxPositions, int typeVocabSize,
                         int padId, float dropout, float layerNormEps) {
        public Config {
            if (vocabSize < 1 || dModel < 1 || heads < 1 || dModel % heads != 0 || feedForward < 1 || layers < 0 || maxPositions < 1
                    || typeVocabSize < 1 || padId >= vocabSize || dropout < 0f || dropout >= 1f) {
                throw new IllegalArgumentException("bert-encoder config " + this + ": sizes must be positive, d_model a multiple of heads, "
                        + "pad_id below the vocabulary size and dropout in [0, 1)");
            }
        }

        /** BERT-base: d 768, 12 heads, FFN 3072, 12 layers, WordPiece vocabulary 30522, 512 positions, 2 token types, PAD 0. */
        public static Config base() {
            return new Config(30522, 768, 12, 3072, 12, 512, 2, 0, 0.1f, 1e-12f);
        }

        /** A small model over {@code vocabSize} tokens: d 32, 4 heads, FFN 64, 2 layers, {@code maxPositions} positions. */
        public static Config small(int vocabSize, int maxPositions, int padId) {
            return new Config(vocabSize, 32, 4, 64, 2, maxPositions, 2, padId, 0.1f, 1e-12f);
        }
    }

    /** The encoder's states [B, L, d], the pooled [CLS] vector [B, d] and the logits [B, classes]. */
    public record Output(Tensor sequence, Tensor pooled, Tensor logits) {}

    private final Config config;
    private final int numClasses;
    private final BertEmbeddings embeddings;
    private final TransformerEncoder encoder;
    private final Pooler pooler;
    private final Dropout dropout;
    private final Linear classifier;

    /** Initialised from {@link io.ringtrain.engine.nn.Init}'s generator (seed it first for a reproducible model). */
    public BertEncoder(Config config, int numClasses) {
        if (numClasses < 1) throw new IllegalArgumentException("bert-encoder needs at least one class, got " + numClasses);
        this.config = config;
        this.numClasses = numClasses;
        int d = config.dModel();
        embeddings = registerModule("embeddings", new BertEmbeddings(config.vocabSize(), d, config.maxPositions(), config.typeVocabSize(),
                config.padId(), config.layerNormEps(), config.dropout()));
        encoder = registerModule("encoder", new TransformerEncoder(() -> new TransformerEncoderLayer(d, config.heads(), config.feedForward(),
                config.dropout(), FeedForwardActivation.GELU, config.layerNormEps(), true, false), config.layers(), null));
        pooler = registerModule("pooler", new Pooler(d));
        dropout = registerModule("dropout", new Dropout(config.dropout()));
        classifier = registerModule("classifier", new Linear(d, numClasses));
    }

    /** token ids [B, L] as floats → logits [B, classes]; tokens equal to the config's padId are padding. */
    @Override
    public Tensor forward(Tensor tokens) {
        if (tokens.dim() != 2) {
            throw new IllegalArgumentException("bert-encoder takes token ids [batch, length], got shape " + Shape.str(tokens.shape()));
        }
        int batch = tokens.size(0), length = tokens.size(1);
        if (batch == 0) {
            // A rank's empty share of a step: one real row narrowed to none keeps every parameter in the graph.
            int[] one = new int[length];
            java.util.Arrays.fill(one, config.padId() == 1 ? 2 : 1);
            return forward(one, null, null, 1, length).logits().narrow(0, 0, 0);
        }
        int[] ids = LanguageModel.tokenIds(tokens, config.vocabSize());
        return forward(ids, null, paddingOf(ids, batch, length), batch, length).logits();
    }

    /**
     * @param ids     token ids [batch·length], row-major
     * @param types   token types [batch·length], or null for one segment
     * @param padding [batch][length], true = padding (ignored as a key); or null for none
     */
    public Output forward(int[] ids, int[] types, boolean[][] padding, int batch, int length) {
        if (ids.length != batch * length || (types != null && types.length != ids.length)) {
            throw new IllegalArgumentException("bert-encoder: " + ids.length + " ids" + (types == null ? "" : " and " + types.length + " token types")
                    + " for a batch of " + batch + " × " + length);
        }
        if (padding != null) {
            for (int b = 0; b < batch; b++) {
                if (padding[b][0]) {
                    throw new IllegalArgumentException("bert-encoder: sequence " + b + " starts with padding; token 0 ([CLS]) is the one the "
                            + "classifier reads, so sequences must start with a real token and be padded at the end");
                }
            }
        }
        Tensor sequence = encoder.forward(embeddings.forward(ids, types, batch, length), null, padding);
        Tensor pooled = pooler.forward(sequence.select(1, 0));
        return new Output(sequence, pooled, classifier.forward(dropout.forward(pooled)));
    }

    /** [b][t] = ids[b·length + t] is the config's padId; null when the config has no padId. */
    public boolean[][] paddingOf(int[] ids, int batch, int length) {
        if (config.padId() < 0) return null;
        boolean[][] padding = new boolean[batch][length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) padding[b][t] = ids[b * length + t] == config.padId();
        }
        return padding;
    }

    public Config config() {
        return config;
    }

    public int numClasses() {
        return numClasses;
    }

    /** BERT's pooler: the first token's state through {@code dense} (d → d) and tanh. */
    static final class Pooler extends Module {
        private final Linear dense;

        Pooler(int dModel) {
            this.dense = registerModule("dense", new Linear(dModel, dModel));
        }

        /** first-token states [B, d] → pooled [B, d] */
        @Override
        public Tensor forward(Tensor first) {
            return dense.forward(first).tanh();
        }
    }
}
