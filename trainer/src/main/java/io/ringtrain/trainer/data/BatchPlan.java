package io.ringtrain.trainer.data;

/** Which dataset indices each rank uses at each step; every rank sees the same number of steps. */
public interface BatchPlan {
    int stepsPerEpoch();

    /** The epoch's sample order (the plan's own notion: a global permutation, or this rank's shard order). */
    int[] order(int epoch);

    /** Indices for {@code rank} at {@code step}, given {@link #order}; possibly empty. */
    int[] indices(int[] order, int step, int rank);
}
