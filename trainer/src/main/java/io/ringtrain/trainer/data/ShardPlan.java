package io.ringtrain.trainer.data;

/**
 * For data sharded across ranks (each rank holds only its own samples, e.g. one Spark partition
 * each): every epoch each rank shuffles its shard with a generator seeded from (seed, epoch, rank)
 * and walks it in batches. Every rank runs the same number of steps, set by the smallest shard:
 * {@code minShardSize / batch} full batches (the rest of larger shards waits for the next epoch's
 * shuffle), so no rank waits for another at the end of an epoch.
 */
public final class ShardPlan implements BatchPlan {
    private final int localSize;
    private final int steps;
    private final int perRankBatch;
    private final long seed;
    private final int rank;

    public ShardPlan(int localSize, int minShardSize, int perRankBatch, long seed, int rank) {
        if (minShardSize < perRankBatch) {
            throw new IllegalArgumentException("the smallest shard holds " + minShardSize + " samples, fewer than one batch of "
                    + perRankBatch + "; use fewer replicas, a smaller batch, or rebalance the partitions");
        }
        this.localSize = localSize;
        this.steps = minShardSize / perRankBatch;
        this.perRankBatch = perRankBatch;
        this.seed = seed;
        this.rank = rank;
    }

    @Override
    public int stepsPerEpoch() {
        return steps;
    }

    @Override
    public int[] order(int epoch) {
        return GlobalBatchPlan.shuffledRange(localSize, GlobalBatchPlan.mix(GlobalBatchPlan.mix(seed, epoch), rank));
    }

    @Override
    public int[] indices(int[] order, int step, int rank) {
        int[] out = new int[perRankBatch];
        System.arraycopy(order, step * perRankBatch, out, 0, perRankBatch);
        return out;
    }
}
