package io.ringtrain.trainer.loop;

/**
 * Settings of a training run.
 *
 * @param epochs            passes over the data
 * @param perRankBatch      samples per replica per micro-batch
 * @param seed              drives the data order, dropout and augmentation: same seed, same weights
 * @param accumulationSteps micro-batches per optimizer step (gradients synchronised once per step)
 * @param clipGradNorm      global L2 norm to clip to after the all-reduce; 0 or less: no clipping
 * @param dropLast          drop a short last global batch instead of splitting it unevenly
 * @param checkpointEverySteps optimizer steps between checkpoints (0: only at epoch ends)
 * @param keepLastCheckpoints  how many checkpoints to keep
 */
public record TrainerConfig(int epochs, int perRankBatch, long seed, int accumulationSteps, double clipGradNorm,
                            boolean dropLast, long checkpointEverySteps, int keepLastCheckpoints) {
    public TrainerConfig {
        require(epochs >= 1, "epochs", epochs);
        require(perRankBatch >= 1, "perRankBatch", perRankBatch);
        require(accumulationSteps >= 1, "accumulationSteps", accumulationSteps);
        require(checkpointEverySteps >= 0, "checkpointEverySteps", checkpointEverySteps);
        require(keepLastCheckpoints >= 1, "keepLastCheckpoints", keepLastCheckpoints);
    }

    public static TrainerConfig of(int epochs, int perRankBatch, long seed) {
        return new TrainerConfig(epochs, perRankBatch, seed, 1, 0, false, 0, 3);
    }

    public TrainerConfig withClipGradNorm(double maxNorm) {
        return new TrainerConfig(epochs, perRankBatch, seed, accumulationSteps, maxNorm, dropLast, checkpointEverySteps, keepLastCheckpoints);
    }

    public TrainerConfig withAccumulationSteps(int k) {
        return new TrainerConfig(epochs, perRankBatch, seed, k, clipGradNorm, dropLast, checkpointEverySteps, keepLastCheckpoints);
    }

    public TrainerConfig withCheckpoints(long everySteps, int keepLast) {
        return new TrainerConfig(epochs, perRankBatch, seed, accumulationSteps, clipGradNorm, dropLast, everySteps, keepLast);
    }

    public TrainerConfig withEpochs(int n) {
        return new TrainerConfig(n, perRankBatch, seed, accumulationSteps, clipGradNorm, dropLast, checkpointEverySteps, keepLastCheckpoints);
    }

    private static void require(boolean ok, String name, Object value) {
        if (!ok) throw new IllegalArgumentException("trainer setting " + name + " = " + value + " is out of range");
    }
}
