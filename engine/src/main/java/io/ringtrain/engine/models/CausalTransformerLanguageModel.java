package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Embedding;
import io.ringtrain.engine.nn.LayerNorm;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.seq.AttentionMask;
import io.ringtrain.engine.nn.seq.FeedForwardActivation;
import io.ringtrain.engine.nn.seq.LearnedPositionalEmbedding;
import io.ringtrain.engine.nn.seq.TransformerEncoder;
import io.ringtrain.engine.nn.seq.TransformerEncoderLayer;

/**
 * A decoder-only (causal) Transformer language model ("char-transformer"): token embeddings
 * (N(0, 0.02²)) plus learned positions, pre-LayerNorm encoder layers under a causal mask (GELU
 * feed-forward of 4·d), a final LayerNorm and a Linear head:
 * <pre>
 *   tokens [B, T] → embedding + positions [B, T, d] → numLayers × causal self-attention block → norm → head (d→V) → logits [B, T, V]
 * </pre>
 * T must not exceed {@code maxLen} (the learned position table's length).
 */
public class CausalTransformerLanguageModel extends Module implements LanguageModel {
    private final int vocab;
    private final int maxLen;
    private final Embedding embedding;
    private final LearnedPositionalEmbedding positions;
    private final TransformerEncoder blocks;
    private final Linear head;

    public CausalTransformerLanguageModel(int vocab, int dModel, int numHeads, int numLayers, int maxLen) {
        if (dModel % numHeads != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " is not divisible by " + numHeads + " heads; pick a head count that divides it");
        }
        this.vocab = vocab;
        this.maxLen = maxLen;
        embedding = registerModule("embedding", new Embedding(vocab, dModel));
        embedding.weight().mulInPlace(0.02f);
        positions = registerModule("positions", new LearnedPositionalEmbedding(maxLen, dModel));
        blocks = registerModule("blocks", new TransformerEncoder(() -> new TransformerEncoderLayer(dModel, numHeads, 4 * dModel, 0f,
                FeedForwardActivation.GELU, 1e-5f, true, true), numLayers, new LayerNorm(dModel)));
        head = registerModule("head", new Linear(dModel, vocab));
    }

    /** tokens [B, T] as floats → logits [B, T, V]. */
    @Override
    public Tensor forward(Tensor tokens) {
        return LanguageModel.forwardTokens(this, tokens, vocab, "char-transformer");
    }

    @Override
    public Tensor logits(int[] tokens, int batch, int seq) {
        if (seq > maxLen) throw new IllegalArgumentException("sequence length " + seq + " exceeds the model's " + maxLen + " positions");
        Tensor x = positions.forward(embedding.forward(tokens, batch, seq));
        return head.forward(blocks.forward(x, AttentionMask.causal(seq), null));
    }

    @Override
    public int maxContext() {
        return maxLen;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public Module module() {
        return this;
    }
}
