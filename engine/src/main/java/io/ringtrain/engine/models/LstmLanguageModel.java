package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Embedding;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.seq.LSTM;

/**
 * A recurrent language model ("char-lstm"):
 * <pre>
 *   tokens [B, T] → embedding (V→H) [B, T, H] → lstm (H→H, numLayers, batch-first) [B, T, H] → head (H→V) → logits [B, T, V]
 * </pre>
 * State-dict names: {@code embedding.weight}, {@code lstm.weight_ih_l0}..., {@code head.weight}, {@code head.bias}
 * (PyTorch's {@code nn.Embedding}, {@code nn.LSTM(batch_first=True)}, {@code nn.Linear}).
 */
public class LstmLanguageModel extends Module implements LanguageModel {
    private final int vocab;
    private final Embedding embedding;
    private final LSTM lstm;
    private final Linear head;

    public LstmLanguageModel(int vocab, int hiddenSize, int numLayers) {
        this.vocab = vocab;
        embedding = registerModule("embedding", new Embedding(vocab, hiddenSize));
        lstm = registerModule("lstm", new LSTM(hiddenSize, hiddenSize, numLayers, false, true, 0f));
        head = registerModule("head", new Linear(hiddenSize, vocab));
    }

    /** tokens [B, T] as floats → logits [B, T, V]. */
    @Override
    public Tensor forward(Tensor tokens) {
        return LanguageModel.forwardTokens(this, tokens, vocab, "char-lstm");
    }

    @Override
    public Tensor logits(int[] tokens, int batch, int seq) {
        return head.forward(lstm.forward(embedding.forward(tokens, batch, seq)));
    }

    @Override
    public int maxContext() {
        return Integer.MAX_VALUE;
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
