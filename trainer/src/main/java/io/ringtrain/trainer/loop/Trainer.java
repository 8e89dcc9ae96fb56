package io.ringtrain.trainer.loop;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.GradClip;
import io.ringtrain.engine.optim.Optimizer;
import io.ringtrain.engine.optim.schedule.LrSchedule;
import io.ringtrain.engine.io.CorruptCheckpointException;
import io.ringtrain.trainer.checkpoint.CheckpointStore;
import io.ringtrain.trainer.checkpoint.Cursor;
import io.ringtrain.trainer.checkpoint.NewestCommonState;
import io.ringtrain.trainer.checkpoint.Snapshot;
import io.ringtrain.trainer.checkpoint.SnapshotHolder;
import io.ringtrain.trainer.checkpoint.SnapshotRecovery;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.data.BatchPlan;
import io.ringtrain.trainer.data.GlobalBatchPlan;
import io.ringtrain.trainer.data.Samples;
import io.ringtrain.trainer.sync.DistributedReplica;
import io.ringtrain.trainer.sync.ReplicaOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The training loop of one replica. Run it on every rank with the same settings and a communicator
 * over all ranks; with a single rank it is plain single-process training.
 *
 * <p>Per optimizer step: the ranks agree on the global sample count N, each runs forward and
 * backward on its share of the global batch with its summed loss scaled by 1/N (so the summed
 * gradients are those of the global mean loss), gradients are all-reduced in buckets during
 * backward, clipped identically on every rank, and the optimizer steps. Rank 0 reports progress and
 * writes checkpoints; {@link #fit} resumes from the store's latest checkpoint when there is one, or,
 * when the ranks keep in-memory snapshots ({@link Builder#optSnapshots}), from the newest state every
 * rank can get.
 * Evaluation data is sharded: each rank passes its own share (see {@link #evaluate}).
 */
public final class Trainer {
    /** Cursor info of a mid-epoch checkpoint: the epoch's train loss so far, so a resumed epoch reports the loss of all its steps. */
    static final String EPOCH_LOSS_SUM = "epoch_loss_sum";
    static final String EPOCH_LOSS_COUNT = "epoch_loss_count";

    private final Module model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final Objective objective;
    private final Communicator comm;
    private final TrainerConfig config;
    private final CheckpointStore checkpoints;
    private final List<TrainingListener> listeners;
    private final ReplicaOptions replicaOptions;
    private final Map<String, String> checkpointInfo;
    private final StragglerWatch stragglers;
    private final List<String> rankHosts;
    private final SnapshotHolder snapshots;
    private final long snapshotEverySteps;
    private final boolean stopAtEpochEnd;
    private final Double stopAtAccuracy;

    private Trainer(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
        this.schedule = Objects.requireNonNull(b.schedule, "schedule");
        this.objective = Objects.requireNonNull(b.objective, "objective");
        this.comm = Objects.requireNonNull(b.comm, "communicator");
        this.replicaOptions = b.replicaOptions;
        this.config = Objects.requireNonNull(b.config, "config");
        this.checkpoints = b.checkpoints;
        this.listeners = List.copyOf(b.listeners);
        this.checkpointInfo = Map.copyOf(b.checkpointInfo);
        this.stragglers = b.stragglers;
        this.rankHosts = b.rankHosts;
        this.snapshots = b.snapshots;
        this.snapshotEverySteps = b.snapshotEverySteps;
        this.stopAtEpochEnd = b.stopAtEpochEnd;
        this.stopAtAccuracy = b.stopAtAccuracy;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Required: model, optimizer, schedule, objective, communicator, config. Optional: checkpoints, listeners. */
    public static final class Builder {
        private Module model;
        private Optimizer optimizer;
        private LrSchedule schedule;
        private Objective objective;
        private Communicator comm;
        private TrainerConfig config;
        private CheckpointStore checkpoints;
        private ReplicaOptions replicaOptions = ReplicaOptions.DEFAULTS;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Map<String, String> checkpointInfo = Map.of();
        private StragglerWatch stragglers = new StragglerWatch(StragglerWatch.DEFAULT_MARGIN, StragglerWatch.DEFAULT_STEPS);
        private List<String> rankHosts = List.of();
        private SnapshotHolder snapshots;
        private long snapshotEverySteps;
        private boolean stopAtEpochEnd;
        private Double stopAtAccuracy;

        public Builder setModel(Module m) { this.model = m; return this; }
        public Builder setOptimizer(Optimizer o) { this.optimizer = o; return this; }
        public Builder setSchedule(LrSchedule s) { this.schedule = s; return this; }
        public Builder setObjective(Objective o) { this.objective = o; return this; }
        public Builder setCommunicator(Communicator c) { this.comm = c; return this; }
        public Builder setConfig(TrainerConfig c) { this.config = c; return this; }
        public Builder optCheckpoints(CheckpointStore s) { this.checkpoints = s; return this; }
        public Builder optListener(TrainingListener l) { this.listeners.add(l); return this; }
        /** Settings recorded in every checkpoint's cursor beside the trainer's own (e.g. the model's name), so a resume can check them. */
        public Builder optCheckpointInfo(Map<String, String> info) { this.checkpointInfo = Objects.requireNonNull(info, "checkpoint info"); return this; }
        /** Gradient buckets and wire compression of the data-parallel replicas (W > 1). */
        public Builder optReplicaOptions(ReplicaOptions o) { this.replicaOptions = Objects.requireNonNull(o, "replica options"); return this; }
        /** When rank 0 reports a straggler (default: 20% slower than the median rank for 5 steps). */
        public Builder optStragglerWatch(StragglerWatch w) { this.stragglers = Objects.requireNonNull(w, "straggler watch"); return this; }
        /** The ranks' hosts, by rank, for straggler reports. */
        public Builder optRankHosts(List<String> hosts) { this.rankHosts = List.copyOf(hosts); return this; }
        /**
         * Every rank keeps an in-memory {@link Snapshot} in {@code holder} every {@code everySteps}
         * optimizer steps, and {@link #fit} resumes from the newest state every rank can get (see
         * {@link SnapshotRecovery}); all ranks must pass a holder, or none.
         */
        public Builder optSnapshots(SnapshotHolder holder, long everySteps) {
            if (everySteps < 1) throw new IllegalArgumentException("snapshot every " + everySteps + " steps: want at least 1");
            this.snapshots = Objects.requireNonNull(holder, "snapshot holder");
            this.snapshotEverySteps = everySteps;
            return this;
        }
        /**
         * Whether {@link #fit} returns after the first epoch it completes (and checkpoints), before
         * the last one: the schedule and progress still count every epoch, so a later fit on the
         * same checkpoints goes on as if it had not stopped (e.g. with another number of ranks).
         */
        public Builder optStopAtEpochEnd(boolean stop) { this.stopAtEpochEnd = stop; return this; }
        /**
         * Training ends at the first epoch end whose evaluation accuracy is at least {@code target}
         * (in (0, 1]; null: every epoch runs), as Lightning's {@code stopping_threshold}. The schedule
         * still spans every epoch, so the weights are those the full run has at that epoch. A fit that
         * resumes at an epoch end evaluates first, and trains nothing if the state reaches the target
         * already. {@link #fit} then needs evaluation samples.
         */
        public Builder optStopAtAccuracy(Double target) {
            if (target != null && !(target > 0 && target <= 1)) throw new IllegalArgumentException("stop at accuracy " + target + ": want a fraction in (0, 1]");
            this.stopAtAccuracy = target;
            return this;
        }
        public Trainer build() { return new Trainer(this); }
    }

    /** Optimizer steps per epoch for a dataset of {@code size} samples under this configuration. */
    public int optimizerStepsPerEpoch(int size) {
        int micro = new GlobalBatchPlan(size, comm.worldSize(), config.perRankBatch(), config.seed(), config.dropLast()).stepsPerEpoch();
        return (micro + config.accumulationSteps() - 1) / config.accumulationSteps();
    }

    /** Trains with the default plan: a global permutation per epoch shared out in global batches (see {@link GlobalBatchPlan}). */
    public TrainingResult fit(Samples train, Samples eval) {
        return fit(train, eval, new GlobalBatchPlan(train.size(), comm.worldSize(), config.perRankBatch(), config.seed(), config.dropLast()));
    }

    /** Trains on {@code train} in the order {@code plan} gives (e.g. each rank on its own shard). */
    public TrainingResult fit(Samples train, Samples eval, BatchPlan plan) {
        if (stopAtAccuracy != null && eval == null) throw new IllegalArgumentException("stop at accuracy " + stopAtAccuracy + " needs evaluation samples");
        int rank = comm.rank(), world = comm.worldSize();
        int microSteps = plan.stepsPerEpoch();
        int k = config.accumulationSteps();
        long stepsPerEpoch = (microSteps + k - 1) / k;
        long totalSteps = stepsPerEpoch * config.epochs();

        int startEpoch = 0, startMicro = 0;
        long globalStep = 0;
        double[] carried = {0, 0}; // the resumed epoch's loss sum and sample count before its checkpoint, over every rank
        String[] chosen = {null}; // with snapshots: which state every rank continues from, and why
        Optional<Cursor> resumed = snapshots == null ? restoreLatest()
                : SnapshotRecovery.restore(comm, model, optimizer, snapshots, cursor -> fitsThisRun(cursor, plan), durableStep(), this::restoreLatest,
                        line -> chosen[0] = line);
        if (rank == 0 && chosen[0] != null) System.err.println("ringtrain: " + chosen[0]); // the executor's log
        if (resumed.isPresent()) {
            Cursor s = resumed.get();
            if (rank == 0) {
                String how = chosen[0] != null ? chosen[0] : NewestCommonState.Choice.durable(s.globalStep()).describe();
                listeners.forEach(l -> l.onResume(s.globalStep(), how));
            }
            if (rank == 0 && s.info().containsKey("world_size") && !Integer.toString(world).equals(s.info().get("world_size"))) {
                System.err.println("ringtrain: the state was saved by " + s.info().get("world_size") + " replicas of " + s.info().get("per_rank_batch")
                        + " samples; continuing with " + world + " of " + config.perRankBatch() + ", the same global batch and data order");
            }
            startEpoch = s.epoch();
            startMicro = s.microStep();
            globalStep = s.globalStep();
            if (startMicro > 0) {
                carried[0] = Double.parseDouble(s.info().getOrDefault(EPOCH_LOSS_SUM, "0"));
                carried[1] = Double.parseDouble(s.info().getOrDefault(EPOCH_LOSS_COUNT, "0"));
            }
        }
        DistributedReplica replica = world > 1 ? new DistributedReplica(model, comm, replicaOptions) : null;
        List<Tensor> params = model.parameters();
        List<TrainingListener.EpochReport> reports = new ArrayList<>();
        EvalResult lastEval = null;
        long t0 = System.nanoTime();
        long samplesSeen = 0;
        long stepsThisRun = 0;
        boolean targetReached = false;
        if (stopAtAccuracy != null && resumed.isPresent() && startMicro == 0 && startEpoch < config.epochs()) {
            lastEval = evaluate(eval); // every rank: the same state, and the sums are all-reduced
            targetReached = reaches(lastEval);
        }
        try {
            for (int epoch = startEpoch; !targetReached && epoch < config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                int[] perm = plan.order(epoch);
                model.train();
                boolean resumedEpoch = epoch == startEpoch;
                // The epoch's loss so far over every rank, the same on every rank: each step's total
                // arrives in the last gradient bucket (DistributedReplica#stepLossSum), so snapshots,
                // checkpoints and the epoch's report need no collective of their own.
                double lossSum = resumedEpoch ? carried[0] : 0;
                long lossCount = resumedEpoch ? (long) carried[1] : 0;
                for (int micro = (epoch == startEpoch ? startMicro : 0); micro < microSteps; micro += k) {
                    int end = Math.min(micro + k, microSteps);
                    List<int[]> shares = new ArrayList<>();
                    int local = 0;
                    for (int j = micro; j < end; j++) {
                        int[] idx = plan.indices(perm, j, rank);
                        shares.add(idx);
                        local += idx.length;
                    }
                    long known = plan.globalSamples(micro, end); // -1: the replica all-reduces the count
                    long global = replica == null ? local : known > 0 ? replica.beginStep(local, known) : replica.beginStep(local);
                    optimizer.setLr(schedule.lrAt(globalStep));
                    // Dropout and other in-model randomness: a function of (seed, step, rank), so resume replays it.
                    Init.manualSeed(GlobalBatchPlan.mix(config.seed(), globalStep * world + rank));
                    double stepLoss = 0;
                    for (int j = 0; j < shares.size(); j++) {
                        Batch batch = Batch.gather(train, shares.get(j), epoch);
                        boolean syncNow = j == shares.size() - 1;
                        try (DistributedReplica.SyncScope scope = replica != null && !syncNow ? replica.noSync() : null) {
                            Tensor out = model.forward(batch.inputs());
                            Tensor loss = objective.lossSum(out, batch);
                            stepLoss += loss.item();
                            if (replica != null && syncNow) replica.recordStepLoss(stepLoss, local);
                            loss.mul((float) (1.0 / global)).backward();
                        }
                    }
                    if (replica != null) replica.finishGradients();
                    if (config.clipGradNorm() > 0) GradClip.clipGradNorm(params, config.clipGradNorm());
                    optimizer.step();
                    optimizer.zeroGrad();
                    globalStep++;
                    stepsThisRun++;
                    lossSum += replica == null ? stepLoss : replica.stepLossSum();
                    lossCount += replica == null ? local : replica.stepSamples();
                    samplesSeen += global;
                    int nextMicro = end;
                    if (rank == 0) {
                        double elapsed = (System.nanoTime() - t0) / 1e9;
                        double perStep = elapsed / stepsThisRun;
                        TrainingListener.StepReport report = new TrainingListener.StepReport(epoch + 1, config.epochs(),
                                (micro / k) + 1, (int) stepsPerEpoch, globalStep, totalSteps,
                                local == 0 ? Double.NaN : stepLoss / local, schedule.lrAt(globalStep - 1),
                                global, samplesSeen / elapsed, perStep * (totalSteps - globalStep),
                                replica == null ? null : stragglers.observe(replica.computeMillisByRank(), replica.sendStallMillisByRank(), rankHosts));
                        listeners.forEach(l -> l.onStep(report));
                    }
                    if (config.checkpointEverySteps() > 0 && globalStep % config.checkpointEverySteps() == 0 && nextMicro < microSteps) {
                        saveCheckpoint(globalStep, epoch, nextMicro, new double[] {lossSum, lossCount});
                    }
                    if (snapshots != null && globalStep % snapshotEverySteps == 0) {
                        Cursor cursor = cursorAt(globalStep, epoch, nextMicro, new double[] {lossSum, lossCount});
                        snapshots.keep(globalStep, () -> Snapshot.capture(model, optimizer, cursor));
                    }
                }
                lastEval = eval == null ? null : evaluate(eval);
                targetReached = reaches(lastEval) && epoch + 1 < config.epochs();
                TrainingListener.EpochReport report = new TrainingListener.EpochReport(epoch + 1, config.epochs(),
                        lossCount == 0 ? Double.NaN : lossSum / lossCount, (long) lossCount,
                        lastEval == null ? null : lastEval.loss(), lastEval == null ? null : lastEval.accuracy(),
                        (System.nanoTime() - epochStart) / 1e9, targetReached);
                reports.add(report);
                if (rank == 0) listeners.forEach(l -> l.onEpochEnd(report));
                saveCheckpoint(globalStep, epoch + 1, 0, new double[] {0, 0});
                if (stopAtEpochEnd) break;
            }
        } finally {
            if (replica != null) replica.detach();
        }
        // A run resumed after its last epoch trains nothing; it still reports the model's evaluation.
        if (lastEval == null && eval != null) lastEval = evaluate(eval);
        double hidden = replica == null ? 1.0 : replica.commStats().hiddenShare();
        return new TrainingResult(reports, lastEval, globalStep, (System.nanoTime() - t0) / 1e9, hidden, targetReached);
    }

    /** Whether {@code result} meets {@link Builder#optStopAtAccuracy}'s target (never without one). */
    private boolean reaches(EvalResult result) {
        return stopAtAccuracy != null && result != null && result.accuracy() >= stopAtAccuracy;
    }

    /**
     * Mean loss and accuracy over every rank's evaluation samples: {@code data} is this rank's share
     * (each rank evaluates all the samples it holds, in order, in batches of perRankBatch), and the
     * sums are all-reduced. No gradients; BatchNorm in eval mode, so ranks may run different numbers
     * of batches without any collective inside.
     */
    public EvalResult evaluate(Samples data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        double[] sums = new double[3];
        try (var scope = GradMode.noGrad()) {
            for (int start = 0; start < data.size(); start += config.perRankBatch()) {
                int[] idx = new int[Math.min(config.perRankBatch(), data.size() - start)];
                for (int i = 0; i < idx.length; i++) idx[i] = start + i;
                Batch batch = Batch.gather(data, idx, 0);
                Tensor out = model.forward(batch.inputs());
                sums[0] += objective.lossSum(out, batch).item();
                sums[1] += objective.accuracySum(out, batch);
                sums[2] += idx.length;
            }
        } finally {
            model.train(wasTraining);
        }
        if (comm.worldSize() > 1) comm.allReduce(sums, ReduceOp.SUM);
        if (sums[2] == 0) throw new IllegalStateException("no rank holds any evaluation sample");
        return new EvalResult(sums[0] / sums[2], sums[1] / sums[2], (long) sums[2]);
    }

    private Optional<Cursor> restoreLatest() {
        if (checkpoints == null) return Optional.empty();
        try {
            return checkpoints.restoreLatest(model, optimizer);
        } catch (CorruptCheckpointException e) { // the same on every attempt: not worth retrying
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the latest checkpoint from " + checkpoints.location(), e);
        }
    }

    /** The step of the store's newest intact checkpoint, {@link NewestCommonState#NONE} when there is none or no store. */
    private long durableStep() {
        if (checkpoints == null) return NewestCommonState.NONE;
        try {
            return checkpoints.latestCursor(warning -> {}).map(Cursor::globalStep).orElse(NewestCommonState.NONE); // restoring warns
        } catch (CorruptCheckpointException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the latest checkpoint from " + checkpoints.location(), e);
        }
    }

    /** {@code epochLoss}: the loss sum and sample count of epoch {@code nextEpoch} so far, over every rank (zeros at an epoch's start). */
    private void saveCheckpoint(long globalStep, int nextEpoch, int nextMicro, double[] epochLoss) {
        if (checkpoints == null || comm.rank() != 0) return;
        try {
            checkpoints.save(model, optimizer, cursorAt(globalStep, nextEpoch, nextMicro, epochLoss));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint at step " + globalStep + " to " + checkpoints.location(), e);
        }
        listeners.forEach(l -> l.onCheckpoint(globalStep, checkpoints.location()));
    }

    /**
     * Whether a snapshot's cursor was saved under this run's settings: its seed and global batch are
     * this run's, and so is its number of replicas unless {@code plan} is a {@link GlobalBatchPlan},
     * whose data order depends on the global batch only (the elastic case: fewer replicas of larger
     * batches continue the same trajectory).
     */
    private boolean fitsThisRun(Cursor cursor, BatchPlan plan) {
        Map<String, String> now = cursorAt(0, 0, 0, new double[2]).info();
        if (!now.get("seed").equals(cursor.info().get("seed"))) return false;
        if (plan instanceof GlobalBatchPlan) return globalBatch(now) == globalBatch(cursor.info());
        return now.get("world_size").equals(cursor.info().get("world_size")) && now.get("per_rank_batch").equals(cursor.info().get("per_rank_batch"));
    }

    /** world_size × per_rank_batch of a cursor's settings; -1 when it lacks them. */
    private static long globalBatch(Map<String, String> info) {
        try {
            return Long.parseLong(info.get("world_size")) * Long.parseLong(info.get("per_rank_batch"));
        } catch (NumberFormatException e) { // absent (null) or garbled
            return -1;
        }
    }

    /** Where the run continues from after {@code globalStep}, with the settings a resume checks and the epoch's loss so far. */
    private Cursor cursorAt(long globalStep, int nextEpoch, int nextMicro, double[] epochLoss) {
        Map<String, String> info = new LinkedHashMap<>(checkpointInfo);
        info.put("seed", Long.toString(config.seed()));
        info.put("world_size", Integer.toString(comm.worldSize()));
        info.put("per_rank_batch", Integer.toString(config.perRankBatch()));
        if (nextMicro > 0) {
            info.put(EPOCH_LOSS_SUM, Double.toString(epochLoss[0]));
            info.put(EPOCH_LOSS_COUNT, Long.toString((long) epochLoss[1]));
        }
        return new Cursor(globalStep, nextEpoch, nextMicro, info);
    }
}
