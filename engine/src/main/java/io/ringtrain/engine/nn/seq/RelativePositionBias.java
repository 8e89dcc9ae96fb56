package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Embedding;
import io.ringtrain.engine.nn.Module;

/**
 * T5's learned relative position bias (Raffel et al. 2020): a scalar per head and per bucket of the
 * relative distance key − query, added to the attention scores
 * ({@link MultiheadAttention#forward(Tensor, Tensor, Tensor, boolean[][], AttentionMask, boolean, boolean, Tensor)}).
 * Half the buckets (all of them when unidirectional) hold exact distances 0..n/2−1; the rest
 * cover distances up to {@code maxDistance} logarithmically; farther distances share the last bucket.
 * Parameter {@code relative_attention_bias.weight} [numBuckets, heads], as in T5.
 *
 * <p>Trade-off: relative and cheap, the bias is learned per head so heads can specialise (local vs
 * global), and it handles any length because distant positions share buckets; but it only shifts
 * scores (it cannot rotate content like RoPE), and it adds a [heads, Lq, Lk] tensor to every
 * attention, which rules out fused attention kernels that take no bias.
 */
public class RelativePositionBias extends Module {
    private final int numHeads;
    private final int numBuckets;
    private final int maxDistance;
    private final boolean bidirectional;
    private final Embedding relativeAttentionBias;

    public RelativePositionBias(int numHeads, boolean bidirectional) {
        this(numHeads, 32, 128, bidirectional);
    }

    public RelativePositionBias(int numHeads, int numBuckets, int maxDistance, boolean bidirectional) {
        this.numHeads = numHeads;
        this.numBuckets = numBuckets;
        this.maxDistance = maxDistance;
        this.bidirectional = bidirectional;
        this.relativeAttentionBias = registerModule("relative_attention_bias", new Embedding(numBuckets, numHeads));
    }

    /** T5's {@code _relative_position_bucket} for relative position (key − query). */
    public static int bucket(int relativePosition, boolean bidirectional, int numBuckets, int maxDistance) {
        int result = 0, n = numBuckets;
        int rel = relativePosition;
        if (bidirectional) {
            n /= 2;
            if (rel > 0) result += n;
            rel = Math.abs(rel);
        } else {
            rel = -Math.min(rel, 0);
        }
        int maxExact = n / 2;
        if (rel < maxExact) return result + rel;
        int large = maxExact + (int) (Math.log((double) rel / maxExact) / Math.log((double) maxDistance / maxExact) * (n - maxExact));
        return result + Math.min(large, n - 1);
    }

    /** The bias [heads, Lq, Lk] for queries at positions 0..Lq−1 and keys at 0..Lk−1. */
    public Tensor forward(int queryLength, int keyLength) {
        int[] buckets = new int[queryLength * keyLength];
        for (int q = 0; q < queryLength; q++) {
            for (int k = 0; k < keyLength; k++) buckets[q * keyLength + k] = bucket(k - q, bidirectional, numBuckets, maxDistance);
        }
        return relativeAttentionBias.forward(buckets, queryLength, keyLength).permute(2, 0, 1);
    }

    public int numHeads() {
        return numHeads;
    }

    @Override
    protected String extraRepr() {
        return "heads=" + numHeads + ", buckets=" + numBuckets + ", max_distance=" + maxDistance + ", bidirectional=" + bidirectional;
    }
}
