package io.ringtrain.trainer.data;

import java.util.SplittableRandom;

/**
 * Which samples each rank trains on at each step. Every epoch has one global permutation of the
 * dataset (from the seed and the epoch only), cut into global batches of W·b; rank r takes
 * positions [r·b, (r+1)·b) of each global batch. So W replicas with batch b see exactly the
 * batches that one replica with batch W·b sees, and every rank has the same number of steps.
 *
 * <p>Without {@code dropLast} the last global batch is short and split the same way: some ranks
 * get fewer samples or none (the replica averages by the global count, so this stays exact).
 */
public final class GlobalBatchPlan implements BatchPlan {
    private final int datasetSize;
    private final int worldSize;
    private final int perRankBatch;
    private final long seed;
    private final boolean dropLast;

    public GlobalBatchPlan(int datasetSize, int worldSize, int perRankBatch, long seed, boolean dropLast) {
        if (worldSize < 1 || perRankBatch < 1) {
            throw new IllegalArgumentException("worldSize and perRankBatch must be ≥ 1, got " + worldSize + " and " + perRankBatch);
        }
        if (datasetSize < 1) throw new IllegalArgumentException("the dataset is empty: nothing to train on");
        this.datasetSize = datasetSize;
        this.worldSize = worldSize;
        this.perRankBatch = perRankBatch;
        this.seed = seed;
        this.dropLast = dropLast;
        if (stepsPerEpoch() == 0) {
            throw new IllegalArgumentException("dataset of " + datasetSize + " samples is smaller than one global batch of "
                    + globalBatch() + " (" + worldSize + " ranks × " + perRankBatch + ") with dropLast; lower the batch size");
        }
    }

    public int globalBatch() {
        return worldSize * perRankBatch;
    }

    @Override
    public int stepsPerEpoch() {
        return dropLast ? datasetSize / globalBatch() : (datasetSize + globalBatch() - 1) / globalBatch();
    }

    public int worldSize() {
        return worldSize;
    }

    public int datasetSize() {
        return datasetSize;
    }

    /** One global batch, or what is left of the dataset on the last step. */
    @Override
    public long globalSamples(int step) {
        return Math.min(datasetSize, (long) (step + 1) * globalBatch()) - (long) step * globalBatch();
    }

    /** Dataset indices for {@code rank} at ({@code epoch}, {@code step}); possibly empty on the last step. */
    public int[] indices(int epoch, int step, int rank) {
        return indices(permutation(epoch), step, rank);
    }

    @Override
    public int[] order(int epoch) {
        return permutation(epoch);
    }

    @Override
    public int[] indices(int[] permutation, int step, int rank) {
        if (step < 0 || step >= stepsPerEpoch()) throw new IllegalArgumentException("step " + step + " outside [0, " + stepsPerEpoch() + ")");
        if (rank < 0 || rank >= worldSize) throw new IllegalArgumentException("rank " + rank + " outside [0, " + worldSize + ")");
        int start = Math.min(datasetSize, step * globalBatch() + rank * perRankBatch);
        int end = Math.min(datasetSize, start + perRankBatch);
        if (step * globalBatch() + rank * perRankBatch >= datasetSize) end = start;
        int[] out = new int[end - start];
        System.arraycopy(permutation, start, out, 0, out.length);
        return out;
    }

    /** The epoch's permutation: Fisher–Yates driven by a generator seeded from (seed, epoch). */
    public int[] permutation(int epoch) {
        return shuffledRange(datasetSize, mix(seed, epoch));
    }

    /** 0..n−1 in the order of a Fisher–Yates shuffle seeded with {@code key}. */
    public static int[] shuffledRange(int n, long key) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        SplittableRandom rng = new SplittableRandom(key);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

    /** A well-mixed 64-bit key from two values (SplitMix64 finaliser). */
    public static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
