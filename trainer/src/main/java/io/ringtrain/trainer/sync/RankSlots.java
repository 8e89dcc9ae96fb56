package io.ringtrain.trainer.sync;

import io.ringtrain.allreduce.Compression;

/**
 * The per-rank values one synchronised step shares through the last gradient bucket, so they
 * cost no collective of their own: each rank writes its own block of floats after the gradients
 * and zeros in every other rank's, and the bucket's SUM leaves every rank holding every rank's
 * block (adding zeros rounds nothing).
 *
 * <p>A rank's block: its compute time and its send stall in milliseconds (rounded to bfloat16
 * under wire compression, which is precise enough to compare ranks), then its summed loss and its
 * sample count for the step, each carried exactly as a double ({@link ExactLimbs}), so the loss
 * so far of an epoch, kept for snapshots and checkpoints, is the same as an all-reduce of doubles
 * would give, whatever the compression.
 */
final class RankSlots {
    private static final int COMPUTE_MS = 0, SEND_STALL_MS = 1, LOSS_SUM = 2;

    private final int world;
    private final ExactLimbs exact;
    private final int perRank;

    RankSlots(int world, Compression wire) {
        this.world = world;
        this.exact = new ExactLimbs(wire);
        this.perRank = LOSS_SUM + 2 * exact.limbs();
    }

    /** Floats the last bucket carries after its gradients. */
    int floats() {
        return world * perRank;
    }

    /** This rank's block in an all-zero {@code slots} array of {@link #floats()} floats. */
    void write(float[] slots, int rank, float computeMillis, float sendStallMillis, double lossSum, long samples) {
        int at = rank * perRank;
        slots[at + COMPUTE_MS] = computeMillis;
        slots[at + SEND_STALL_MS] = sendStallMillis;
        exact.encode(lossSum, slots, at + LOSS_SUM);
        exact.encode(samples, slots, at + LOSS_SUM + exact.limbs());
    }

    float computeMillis(float[] slots, int rank) {
        return slots[rank * perRank + COMPUTE_MS];
    }

    float sendStallMillis(float[] slots, int rank) {
        return slots[rank * perRank + SEND_STALL_MS];
    }

    double lossSum(float[] slots, int rank) {
        return exact.decode(slots, rank * perRank + LOSS_SUM);
    }

    long samples(float[] slots, int rank) {
        return (long) exact.decode(slots, rank * perRank + LOSS_SUM + exact.limbs());
    }
}
