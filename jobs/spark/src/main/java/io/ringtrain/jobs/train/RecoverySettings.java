package io.ringtrain.jobs.train;

import java.io.Serializable;

/**
 * How a run survives failures and slow ranks: checkpoints, in-memory snapshots, attempts, the
 * collective timeout, straggler detection, waiting for executor slots and elastic replicas. Part of
 * {@link TrainJobConfig#recovery}; config files and flags name these settings as before, without a
 * prefix ({@code maxAttempts: 3}, {@code --max-attempts 3}).
 */
public final class RecoverySettings implements Serializable {
    /** Optimizer steps between durable checkpoints in the run folder; 0: one per epoch. */
    public int checkpointEverySteps = 0;
    public int keepCheckpoints = 3;
    /**
     * Optimizer steps between in-memory snapshots (0: none): every replica keeps the newest in its
     * executor's memory, and a retry continues from it, losing at most this many steps.
     */
    public int snapshotEverySteps = 1;
    /** Attempts of the barrier stage; later attempts resume from the newest snapshot or checkpoint. */
    public int maxAttempts = 3;
    public int collectiveTimeoutSeconds = 60;
    /** A rank whose compute time, or whose link's send stall, per step exceeds the median rank's by this fraction of the median compute time (0.2: 20%) is a straggler... */
    public double stragglerMargin = io.ringtrain.trainer.loop.StragglerWatch.DEFAULT_MARGIN;
    /** ...once it has been so for this many consecutive steps; reported in the progress line and metrics.jsonl. */
    public int stragglerSteps = io.ringtrain.trainer.loop.StragglerWatch.DEFAULT_STEPS;
    /**
     * How long the job waits for enough executor slots (one per replica), at the start and after a
     * failed attempt, before it fails with exit code 75 (capacity, not bad input).
     */
    public int slotWaitSeconds = 120;
    /**
     * Elastic replicas: the fewest replicas the job goes on with when the cluster offers fewer than
     * {@link TrainJobConfig#replicas} slots (at the start or after a failure) and none return within
     * {@link #elasticWaitSeconds}; null means replicas. The global batch (replicas × batchSize) and
     * the schedule stay; each replica's batch grows (see ElasticReplicas).
     */
    public Integer minReplicas;
    /** With minReplicas below replicas: seconds to wait for missing slots before going on with fewer; null: 30. */
    public Integer elasticWaitSeconds;
    /** With minReplicas below replicas: back to {@link TrainJobConfig#replicas} at the next epoch boundary when the slots are offered again. */
    public boolean elasticGrow = false;

    /**
     * Fails naming the first bad setting. Whether minReplicas fits the replica count, batch and
     * sharding spans parts, so {@link TrainJobConfig#validate} checks that.
     */
    void validate() {
        TrainJobConfig.require(checkpointEverySteps >= 0, "checkpointEverySteps", checkpointEverySteps, "≥ 0 (0: each epoch)");
        TrainJobConfig.require(keepCheckpoints >= 1, "keepCheckpoints", keepCheckpoints, "≥ 1");
        TrainJobConfig.require(snapshotEverySteps >= 0, "snapshotEverySteps", snapshotEverySteps, "≥ 0 (0: no in-memory snapshots)");
        TrainJobConfig.require(slotWaitSeconds >= 0, "slotWaitSeconds", slotWaitSeconds, "≥ 0");
        TrainJobConfig.require(elasticWaitSeconds == null || elasticWaitSeconds >= 0, "elasticWaitSeconds", elasticWaitSeconds, "≥ 0");
        TrainJobConfig.require(collectiveTimeoutSeconds >= 1, "collectiveTimeoutSeconds", collectiveTimeoutSeconds, "≥ 1");
        TrainJobConfig.require(Double.isFinite(stragglerMargin) && stragglerMargin > 0, "stragglerMargin", stragglerMargin,
                "a finite number > 0 (0.2: 20% slower than the median rank)");
        TrainJobConfig.require(stragglerSteps >= 1, "stragglerSteps", stragglerSteps, "≥ 1");
        TrainJobConfig.require(maxAttempts >= 1, "maxAttempts", maxAttempts, "≥ 1");
    }
}
