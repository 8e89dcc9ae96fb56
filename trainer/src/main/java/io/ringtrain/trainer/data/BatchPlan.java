package io.ringtrain.trainer.data;

/** Which dataset indices each rank uses at each step; every rank sees the same number of steps. */
public interface BatchPlan {
    int stepsPerEpoch();

    /** The epoch's sample order (the plan's own notion: a global permutation, or this rank's shard order). */
    int[] order(int epoch);

    /** Indices for {@code rank} at {@code step}, given {@link #order}; possibly empty. */
    int[] indices(int[] order, int step, int rank);

    /**
     * The number of samples all ranks together use at {@code step}, when this rank can know it
     * without asking the others; -1 otherwise (the replica then all-reduces the count).
     */
    default long globalSamples(int step) {
        return -1;
    }

    /** {@link #globalSamples(int)} summed over steps [from, to) (micro-batches accumulated into one step); -1 if any is unknown. */
    default long globalSamples(int from, int to) {
        long sum = 0;
        for (int step = from; step < to; step++) {
            long n = globalSamples(step);
            if (n < 0) return -1;
            sum += n;
        }
        return sum;
    }
}
