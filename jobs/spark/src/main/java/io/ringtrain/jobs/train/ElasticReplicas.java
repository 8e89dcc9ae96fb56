package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.SparkContext;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * How many replicas each barrier stage of a job runs with, between {@code minReplicas} (M) and
 * {@code replicas} (N), and what the others then train with.
 *
 * <p>The rule: a stage gets N replicas when the cluster offers N slots. With M below N and fewer
 * slots, the job waits up to {@code elasticWaitSeconds} for the missing ones, then goes on with as
 * many as are offered if that is at least M; below M it waits up to {@code slotWaitSeconds} for M
 * and then fails with {@link CapacityException}. With {@code elasticGrow} a stage of fewer than N
 * replicas stops at the next epoch boundary (after its checkpoint) and the next stage takes as many
 * slots as are then offered, up to N.
 *
 * <p>A stage of W replicas keeps the run's global batch G = N × batchSize and so its steps per
 * epoch, learning-rate schedule and data order: each replica takes G / W samples per step (the
 * settings validation refuses an M..N range where that is not a whole number). With replicated
 * sharding every replica holds the whole dataset and the global batch is cut from one permutation
 * whatever W is (see {@code GlobalBatchPlan}), so a run that shrinks and grows trains the weights of
 * one that did not, within float32 summation order.
 */
final class ElasticReplicas {
    /** How long a job with M below N waits for missing slots before going on with fewer, when elasticWaitSeconds is unset. */
    static final int DEFAULT_WAIT_SECONDS = 30;
    /** The result rank 0 returns from a stage that stopped at an epoch boundary to grow back. */
    static final String PAUSED_FIELD = "paused_at_step";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int target;
    private final int min;
    private final boolean grow;
    private final IntSupplier slots;
    private final long elasticWaitMillis;
    private final long slotWaitMillis;
    private final long progressMillis;
    private final String master;
    /** Every change of the replica count, in order, for summary.json. */
    private final List<Change> changes = new ArrayList<>();

    /** A change of the replica count: stage {@code attempt} runs {@code replicas} of {@code targetReplicas}, each with {@code perReplicaBatch} samples. */
    @JsonPropertyOrder({"attempt", "replicas", "target_replicas", "per_replica_batch", "global_batch", "reason"})
    record Change(@JsonProperty("attempt") int attempt, @JsonProperty("replicas") int replicas, @JsonProperty("target_replicas") int targetReplicas,
                  @JsonProperty("per_replica_batch") int perReplicaBatch, @JsonProperty("global_batch") int globalBatch,
                  @JsonProperty("reason") String reason) {}

    ElasticReplicas(TrainJobConfig config, IntSupplier slots, boolean fixedSlots, long progressMillis, String master) {
        this.target = config.replicas;
        this.min = minReplicas(config);
        this.grow = config.recovery.elasticGrow;
        this.slots = slots;
        this.elasticWaitMillis = fixedSlots ? 0 : 1000L * waitSeconds(config);
        this.slotWaitMillis = fixedSlots ? 0 : 1000L * config.recovery.slotWaitSeconds;
        this.progressMillis = progressMillis;
        this.master = master;
    }

    /** The job's rule on this SparkContext's slots (see {@link ClusterCheck#slots}). */
    static ElasticReplicas of(TrainJobConfig config, SparkContext sc) {
        return new ElasticReplicas(config, () -> ClusterCheck.slots(sc), ClusterCheck.hasFixedSlots(sc), ClusterCheck.PROGRESS_EVERY_MILLIS, sc.master());
    }

    static int minReplicas(TrainJobConfig config) {
        return config.recovery.minReplicas == null ? config.replicas : config.recovery.minReplicas;
    }

    static int waitSeconds(TrainJobConfig config) {
        return config.recovery.elasticWaitSeconds == null ? DEFAULT_WAIT_SECONDS : config.recovery.elasticWaitSeconds;
    }

    /**
     * The smallest replica count in [min, replicas] over which the global batch replicas × batchSize
     * cannot be split evenly, or 0 when every count can.
     */
    static int firstUnevenCount(int replicas, int min, int batchSize) {
        long global = (long) replicas * batchSize;
        for (int w = min; w <= replicas; w++) {
            if (global % w != 0) return w;
        }
        return 0;
    }

    /** Samples per replica per step when {@code world} replicas share the global batch. */
    static int perReplicaBatch(TrainJobConfig config, int world) {
        return config.replicas * config.batchSize / world;
    }

    /**
     * Whether a checkpoint written by {@code world} replicas of {@code perReplicaBatch} samples may be
     * resumed under {@code config}: its replica count lies in [min, replicas] and it kept this run's
     * global batch.
     */
    static boolean allowsResumeOf(TrainJobConfig config, int world, int perReplicaBatch) {
        return world >= minReplicas(config) && world <= config.replicas && (long) world * perReplicaBatch == (long) config.replicas * config.batchSize;
    }

    /** The settings a stage of {@code world} replicas trains with: the config itself for N, else W replicas of G / W samples. */
    static TrainJobConfig stageConfig(TrainJobConfig config, int world) {
        if (world == config.replicas) return config;
        TrainJobConfig stage = JSON.convertValue(config, TrainJobConfig.class);
        stage.batchSize = perReplicaBatch(config, world);
        stage.replicas = world;
        stage.recovery.minReplicas = null;
        stage.recovery.elasticWaitSeconds = null;
        stage.recovery.elasticGrow = false;
        return stage;
    }

    /**
     * The replicas to start with, or to go on with after a failed stage: waits as the class comment
     * says; throws {@link CapacityException} when fewer than M slots come.
     */
    int await(PrintStream console) {
        long waitedMillis = 0;
        if (min < target) {
            int offered = ClusterCheck.waitForSlots(slots, target, elasticWaitMillis, progressMillis, console);
            if (offered >= min) return Math.min(offered, target);
            waitedMillis = elasticWaitMillis;
        }
        int offered = ClusterCheck.waitForSlots(slots, min, slotWaitMillis, progressMillis, console);
        if (offered < min) throw ClusterCheck.shortfall(target, min, offered, master, waitedMillis + slotWaitMillis);
        return Math.min(offered, target);
    }

    /**
     * The replicas the cluster offers now, up to N, when that is at least M (the first stage, after
     * the start's wait, and the stage after one that stopped to grow); else as {@link #await}.
     */
    int offeredNow(PrintStream console) {
        int offered = slots.getAsInt();
        return offered >= min ? Math.min(offered, target) : await(console);
    }

    /** Whether a stage of {@code world} replicas stops at its next epoch boundary so that the next one can grow back to N. */
    boolean pausesToGrow(int world) {
        return grow && world < target;
    }

    static boolean isPause(String stageResult) {
        try {
            return JSON.readTree(stageResult).has(PAUSED_FIELD);
        } catch (IOException e) {
            return false;
        }
    }

    /** What rank 0 returns from a stage that stopped at an epoch boundary after {@code step} optimizer steps. */
    static String pauseResult(long step) {
        return JSON.createObjectNode().put(PAUSED_FIELD, step).toString();
    }

    /**
     * Records that stage {@code attempt} runs with {@code world} replicas after {@code previous}
     * (0 for the first stage) and returns the metrics.jsonl line saying so; null when nothing
     * changed (a first stage of N replicas, or the same count again).
     */
    String change(int attempt, int previous, int world, TrainJobConfig config) {
        if (world == previous || previous == 0 && world == target) return null;
        String reason = previous == 0 ? "start short" : world < previous ? "shrink" : "grow";
        Change change = new Change(attempt, world, target, perReplicaBatch(config, world), config.replicas * config.batchSize, reason);
        changes.add(change);
        ObjectNode line = JSON.createObjectNode().put("type", "replicas");
        line.setAll((ObjectNode) JSON.valueToTree(change));
        return line.toString();
    }

    /** The console line for a change {@link #change} recorded. */
    static String describe(int world, TrainJobConfig config) {
        return "ringtrain: training with " + world + " of " + config.replicas + " replicas (" + perReplicaBatch(config, world) + " samples each, global batch "
                + config.replicas * config.batchSize + " and schedule unchanged; --min-replicas " + minReplicas(config) + ")";
    }

    /** {@code summary} with {@code target_replicas} and {@code replica_changes} added when the replica count ever changed. */
    RunSummary withChanges(RunSummary summary) {
        return summary.withReplicaChanges(target, changes);
    }
}
