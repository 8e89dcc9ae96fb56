package io.ringtrain.trainer.data;

/**
 * For a rank that streams its shard once per epoch, in an order the stream itself decides (e.g.
 * through a bounded shuffle buffer): step s takes stream positions [s·b, min((s+1)·b, n)), so the
 * samples must be read in increasing position. Every rank must run the same number of steps, so
 * every shard must have the same ⌈n / b⌉ (equal shard sizes guarantee it).
 */
public final class StreamPlan implements BatchPlan {
    private final int localSize;
    private final int perRankBatch;

    public StreamPlan(int localSize, int perRankBatch) {
        if (perRankBatch < 1) throw new IllegalArgumentException("perRankBatch must be ≥ 1, got " + perRankBatch);
        if (localSize < 1) throw new IllegalArgumentException("the shard is empty: nothing to stream");
        this.localSize = localSize;
        this.perRankBatch = perRankBatch;
    }

    @Override
    public int stepsPerEpoch() {
        return (localSize + perRankBatch - 1) / perRankBatch;
    }

    /** The stream decides the order; positions are its read order. */
    @Override
    public int[] order(int epoch) {
        return new int[0];
    }

    @Override
    public int[] indices(int[] order, int step, int rank) {
        if (step < 0 || step >= stepsPerEpoch()) throw new IllegalArgumentException("step " + step + " outside [0, " + stepsPerEpoch() + ")");
        int start = step * perRankBatch, end = Math.min(localSize, start + perRankBatch);
        int[] out = new int[end - start];
        for (int i = 0; i < out.length; i++) out[i] = start + i;
        return out;
    }
}
