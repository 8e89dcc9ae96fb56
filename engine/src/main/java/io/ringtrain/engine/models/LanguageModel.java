package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;

/**
 * A next-token model over integer token ids: logits [B, T, V] for tokens [B, T], where the logits
 * at position t predict token t + 1 from tokens 0..t. {@code forward(Tensor)} takes the ids as a
 * float tensor [B, T] (as the trainer's batches hold them).
 */
public interface LanguageModel {
    /** Logits [B, T, V] for {@code tokens} (row-major [batch, seq]). */
    Tensor logits(int[] tokens, int batch, int seq);

    /** The longest context the model accepts (Integer.MAX_VALUE when unbounded). */
    int maxContext();

    int vocabSize();

    Module module();

    /**
     * Logits [0, seq, V] for a rank's empty share of a step, still attached to every parameter (a
     * one-row forward narrowed to no rows), so backward gives zero gradients, as a convolution over
     * an empty batch does.
     */
    /**
     * The {@code forward} of a language model over {@code vocab} tokens: ids [B, T] as floats →
     * logits [B, T, V]; an empty batch still gives a result connected to every parameter.
     */
    static Tensor forwardTokens(LanguageModel model, Tensor tokens, int vocab, String name) {
        if (tokens.dim() != 2) throw new IllegalArgumentException(name + " takes token ids [batch, seq], got " + java.util.Arrays.toString(tokens.shape()));
        if (tokens.size(0) == 0) return emptyBatch(model, tokens.size(1));
        return model.logits(tokenIds(tokens, vocab), tokens.size(0), tokens.size(1));
    }

    static Tensor emptyBatch(LanguageModel model, int seq) {
        return model.logits(new int[seq], 1, seq).narrow(0, 0, 0);
    }

    /** Token ids held as whole-number floats, checked against the vocabulary. */
    static int[] tokenIds(Tensor tokens, int vocab) {
        float[] v = tokens.toArray();
        int[] ids = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            ids[i] = (int) v[i];
            if (ids[i] != v[i] || ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("input value " + v[i] + " at position " + i + " is not a token id in [0, " + (vocab - 1)
                        + "]; a language model takes token ids, not normalised features");
            }
        }
        return ids;
    }
}
