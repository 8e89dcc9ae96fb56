package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;

/**
 * Absolute positions added to the input plus a learned relative bias in every attention: call
 * {@link #addAbsolute} on the embeddings and pass {@link #attentionBias} to the attention layers
 * (children {@code absolute} and {@code relative}).
 *
 * <p>Trade-off: the absolute part gives every layer (also the feed-forward ones) a sense of where a
 * token sits, e.g. "first token"; the relative bias gives attention a distance prior that holds at
 * any length. Costs both schemes' parameters and the bias tensor per attention; the absolute part
 * still limits extrapolation unless it is sinusoidal with random offsets.
 */
public class HybridPositionalEncoding extends Module {
    private final SinusoidalPositionalEncoding absolute;
    private final RelativePositionBias relative;

    public HybridPositionalEncoding(SinusoidalPositionalEncoding absolute, RelativePositionBias relative) {
        this.absolute = registerModule("absolute", absolute);
        this.relative = registerModule("relative", relative);
    }

    /** x [B, L, d] plus absolute positions. */
    public Tensor addAbsolute(Tensor x) {
        return absolute.forward(x);
    }

    /** [heads, Lq, Lk] relative bias for the attention scores. */
    public Tensor attentionBias(int queryLength, int keyLength) {
        return relative.forward(queryLength, keyLength);
    }
}
