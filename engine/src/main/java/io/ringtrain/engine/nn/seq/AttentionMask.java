package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

/**
 * An {@code attn_mask} for {@link MultiheadAttention}, held in additive form: 0 where a query may
 * attend to a key, −∞ where it may not (PyTorch's boolean masks use {@code true} = "may not"), or any
 * float added to the scores. Shape [Lq, Lk] (shared by every batch entry and head) or
 * [B·heads, Lq, Lk].
 */
public final class AttentionMask {
    private final Tensor additive;

    private AttentionMask(Tensor additive) {
        if (additive.dim() != 2 && additive.dim() != 3) {
            throw new IllegalArgumentException("attention mask of shape " + Shape.str(additive.shape()) + " must be [Lq, Lk] or [B·heads, Lq, Lk]");
        }
        this.additive = additive.detach();
    }

    /** A boolean mask: {@code ignore[q][k]} true means query q must not attend to key k. */
    public static AttentionMask fromBoolean(boolean[][] ignore) {
        int lq = ignore.length, lk = lq == 0 ? 0 : ignore[0].length;
        float[] m = new float[lq * lk];
        for (int q = 0; q < lq; q++) for (int k = 0; k < lk; k++) if (ignore[q][k]) m[q * lk + k] = Float.NEGATIVE_INFINITY;
        return new AttentionMask(Tensor.of(m, lq, lk));
    }

    /** A float mask added to the attention scores (−∞ forbids; finite values bias). */
    public static AttentionMask additive(Tensor mask) {
        return new AttentionMask(mask);
    }

    /** A boolean mask given as a tensor, nonzero = ignore. */
    public static AttentionMask fromBooleanTensor(Tensor ignore) {
        float[] v = ignore.toArray();
        float[] m = new float[v.length];
        for (int i = 0; i < v.length; i++) if (v[i] != 0f) m[i] = Float.NEGATIVE_INFINITY;
        return new AttentionMask(Tensor.of(m, ignore.shape()));
    }

    /**
     * The causal ("subsequent") mask for self-attention over {@code length} positions: position t
     * may attend to 0..t only. Same as PyTorch's {@code Transformer.generate_square_subsequent_mask}.
     */
    public static AttentionMask causal(int length) {
        boolean[][] ignore = new boolean[length][length];
        for (int q = 0; q < length; q++) for (int k = q + 1; k < length; k++) ignore[q][k] = true;
        return fromBoolean(ignore);
    }

    /** [Lq, Lk] or [B·heads, Lq, Lk]. */
    public Tensor additiveTensor() {
        return additive;
    }
}
