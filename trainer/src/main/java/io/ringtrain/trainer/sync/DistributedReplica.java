package io.ringtrain.trainer.sync;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * One data-parallel replica of a model, as PyTorch's DistributedDataParallel.
 *
 * <p>At construction rank 0's parameters and buffers are broadcast to every rank, after checking
 * that all ranks hold the same names and shapes. Gradients are grouped into buckets in reverse
 * parameter order (the order backward tends to produce them); a bucket's all-reduce starts from the
 * parameters' grad-ready hooks as soon as its last gradient is complete, so communication overlaps
 * the rest of backward. Buckets launch strictly in index order, so every rank issues the same
 * collectives in the same order.
 *
 * <p>Averaging is by the global sample count, so uneven batches are exact: {@link #beginStep(int)}
 * returns the global sample count N, and each rank backpropagates its summed loss
 * divided by N; the buckets are then all-reduced with SUM. With the loss in global units, SyncBatchNorm's backward sums are global too.
 *
 * <p>Each synchronised step also tells every rank how long each rank computed: from {@link
 * #beginStep} to the end of its backward, less the time spent blocked in collectives (SyncBatchNorm's
 * statistics, on whichever ring its layers use). The times ride in the last gradient bucket, so they
 * cost no collective of their own ({@link #computeMillisByRank()}). So do the time each rank's sends
 * stalled on the network ({@link #sendStallMillisByRank()}: a slow link shows there, not in compute
 * times, since every rank waits for it alike) and each rank's loss for the step ({@link
 * #recordStepLoss}, {@link #stepLossSum()}), from which every rank keeps the epoch's loss so far
 * without a collective.
 *
 * <p>Use per step: {@code N = beginStep(n)}, forward, {@code lossSum.mul(1f / N).backward()},
 * {@link #finishGradients()}, then clip and step the optimizer. Inside {@link #noSync()} backward
 * only accumulates (gradient accumulation); the next synchronised backward carries the sum.
 */
public final class DistributedReplica {
    private final Module model;
    private final Communicator comm;
    private final List<GradBucket> buckets;
    private final Map<Tensor, GradBucket> bucketOf = new IdentityHashMap<>();
    private int nextToLaunch;
    private boolean syncEnabled = true;
    private long globalSamples;
    private long commNanos;
    private long exposedNanos;
    private long computeStartNanos;
    private long blockedAtStartNanos;
    /** The communicators whose blocking collectives a step's compute time leaves out: this ring and SyncBatchNorm's. */
    private final List<Communicator> blockingRings;
    private final RankSlots slots;
    /** This rank's extra floats for the last bucket: only its own block is ever written, the others stay zero. */
    private final float[] ownSlots;
    private final float[] computeMillis;
    private final float[] sendStallMillis;
    private boolean computeMeasured;
    private long sendStallAtLastLaunchNanos;
    private double localStepLoss;
    private long localStepSamples;
    private double stepLossSum;
    private long stepSamples;

    public DistributedReplica(Module model, Communicator comm) {
        this(model, comm, ReplicaOptions.DEFAULTS);
    }

    public DistributedReplica(Module model, Communicator comm, ReplicaOptions options) {
        this.model = model;
        this.comm = comm;
        checkSameModelOnEveryRank();
        broadcastState();
        this.slots = new RankSlots(comm.worldSize(), options.gradientCompression());
        this.ownSlots = new float[slots.floats()];
        this.buckets = assignBuckets(model.parameters(), options, slots.floats());
        this.computeMillis = new float[comm.worldSize()];
        this.sendStallMillis = new float[comm.worldSize()];
        this.blockingRings = blockingRings(model, comm);
        this.sendStallAtLastLaunchNanos = sendStallNanos();
        for (GradBucket b : buckets) {
            b.reset();
            for (Tensor p : b.params) {
                bucketOf.put(p, b);
                p.addGradReadyHook(this::onGradReady);
            }
        }
    }

    public Module model() {
        return model;
    }

    public Communicator communicator() {
        return comm;
    }

    /** Bucket sizes in parameters, in launch order; for tests and logs. */
    public List<Integer> bucketSizes() {
        List<Integer> sizes = new ArrayList<>();
        for (GradBucket b : buckets) sizes.add(b.params.size());
        return sizes;
    }

    private void checkSameModelOnEveryRank() {
        StringBuilder sig = new StringBuilder();
        model.stateDict().forEach((name, t) -> sig.append(name).append(Shape.str(t.shape())).append('\n'));
        byte[] mine = sig.toString().getBytes(StandardCharsets.UTF_8);
        List<byte[]> all = comm.allGather(mine);
        String reference = new String(all.get(0), StandardCharsets.UTF_8);
        for (int r = 1; r < all.size(); r++) {
            String other = new String(all.get(r), StandardCharsets.UTF_8);
            if (!other.equals(reference)) {
                throw new IllegalStateException("rank " + r + " holds a different model than rank 0: "
                        + firstDifference(reference.split("\n"), other.split("\n"))
                        + "; every replica must build the same architecture");
            }
        }
    }

    private static String firstDifference(String[] a, String[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "(nothing)", y = i < b.length ? b[i] : "(nothing)";
            if (!x.equals(y)) return "entry " + i + " is '" + x + "' on rank 0 but '" + y + "'";
        }
        return "(no difference found)";
    }

    /** Copies rank 0's parameters and buffers to every rank (at start, and after a restart). */
    public void broadcastState() {
        List<Tensor> state = new ArrayList<>(model.stateDict().values());
        int total = 0;
        for (Tensor t : state) total += t.numel();
        float[] flat = new float[total];
        int at = 0;
        for (Tensor t : state) {
            float[] v = t.toArray();
            System.arraycopy(v, 0, flat, at, v.length);
            at += v.length;
        }
        comm.broadcast(flat, 0);
        at = 0;
        for (Tensor t : state) {
            int n = t.numel();
            t.copyFrom(Tensor.of(java.util.Arrays.copyOfRange(flat, at, at + n), t.shape()));
            at += n;
        }
    }

    private static List<Communicator> blockingRings(Module model, Communicator comm) {
        List<Communicator> rings = new ArrayList<>(List.of(comm));
        for (Module m : model.namedModules().values()) {
            if (m instanceof io.ringtrain.engine.nn.BatchNorm bn && bn.crossReplica() instanceof SyncBatchNorm sync
                    && rings.stream().noneMatch(r -> r == sync.communicator())) {
                rings.add(sync.communicator());
            }
        }
        return rings;
    }

    private long blockedNanos() {
        long blocked = 0;
        for (Communicator ring : blockingRings) blocked += ring.blockedNanos();
        return blocked;
    }

    private long sendStallNanos() {
        long stalled = 0;
        for (Communicator ring : blockingRings) stalled += ring.sendStallNanos();
        return stalled;
    }

    private void startComputeClock() {
        computeStartNanos = System.nanoTime();
        blockedAtStartNanos = blockedNanos();
    }

    static List<GradBucket> assignBuckets(List<Tensor> params, ReplicaOptions options) {
        return assignBuckets(params, options, 0);
    }

    /** {@code extraSlots}: floats the last bucket carries after its gradients (see {@link RankSlots}). */
    static List<GradBucket> assignBuckets(List<Tensor> params, ReplicaOptions options, int extraSlots) {
        List<Tensor> reversed = new ArrayList<>(params);
        Collections.reverse(reversed);
        List<GradBucket> out = new ArrayList<>();
        List<Tensor> current = new ArrayList<>();
        long bytes = 0;
        long cap = options.firstBucketCapBytes();
        for (Tensor p : reversed) {
            // A bucket closes before the gradient that would overflow it (DDP closes after it). With
            // one core per replica, sending a large early gradient while backward still runs cost more
            // than it hid (dp-step: 60.9-68.6 ms against 58.5-59.0 ms per step; BucketAssignmentTest).
            if (!current.isEmpty() && bytes + 4L * p.numel() > cap) {
                out.add(new GradBucket(out.size(), current, options.gradientCompression()));
                current = new ArrayList<>();
                bytes = 0;
                cap = options.bucketCapBytes();
            }
            current.add(p);
            bytes += 4L * p.numel();
        }
        if (!current.isEmpty()) out.add(new GradBucket(out.size(), current, options.gradientCompression(), extraSlots));
        return out;
    }

    /**
     * Starts a synchronised step on {@code localSamples} samples and returns the global count N;
     * the rank scales its summed loss by 1/N. A rank with an empty batch passes 0 and still takes
     * part in every collective.
     */
    public long beginStep(int localSamples) {
        double[] count = {localSamples};
        comm.allReduce(count, ReduceOp.SUM);
        globalSamples = (long) count[0];
        if (globalSamples == 0) throw new IllegalStateException("no rank has any sample in this step");
        startComputeClock();
        return globalSamples;
    }

    /**
     * Starts a synchronised step whose global count every rank already knows (from the batch plan),
     * saving the count's all-reduce: a blocking round trip per step.
     */
    public long beginStep(int localSamples, long knownGlobalSamples) {
        if (knownGlobalSamples < localSamples || knownGlobalSamples <= 0) {
            throw new IllegalArgumentException("global sample count " + knownGlobalSamples + " is impossible for a rank with " + localSamples + " samples");
        }
        globalSamples = knownGlobalSamples;
        startComputeClock();
        return globalSamples;
    }

    /** The global batch size of the current step (after {@link #beginStep}). */
    public long globalSamples() {
        return globalSamples;
    }

    /** A scope in which backward accumulates gradients without synchronising them. */
    public SyncScope noSync() {
        boolean previous = syncEnabled;
        syncEnabled = false;
        return () -> syncEnabled = previous;
    }

    /** Restores synchronisation on close. */
    public interface SyncScope extends AutoCloseable {
        @Override
        void close();
    }

    private void onGradReady(Tensor param) {
        if (!syncEnabled) return;
        GradBucket b = bucketOf.get(param);
        b.pendingGrads--;
        while (nextToLaunch < buckets.size() && buckets.get(nextToLaunch).pendingGrads <= 0) {
            launch(buckets.get(nextToLaunch++));
        }
    }

    /**
     * This rank's summed (unscaled) loss and sample count for the step being synchronised; call it
     * before the backward that synchronises (the last bucket carries them). Every rank then reads
     * the step's total over every rank from {@link #stepLossSum()} and {@link #stepSamples()}.
     */
    public void recordStepLoss(double lossSum, long samples) {
        localStepLoss = lossSum;
        localStepSamples = samples;
    }

    private void launch(GradBucket b) {
        b.pack();
        if (b.extraSlotCount() > 0) {
            long now = System.nanoTime();
            long computed = now - computeStartNanos - (blockedNanos() - blockedAtStartNanos);
            long stalledNow = sendStallNanos();
            slots.write(ownSlots, comm.rank(), Math.max(0, computed) / 1e6f, (stalledNow - sendStallAtLastLaunchNanos) / 1e6f,
                    localStepLoss, localStepSamples);
            sendStallAtLastLaunchNanos = stalledNow;
            localStepLoss = 0;
            localStepSamples = 0;
            b.setExtraSlots(ownSlots);
        }
        b.launchedAtNanos = System.nanoTime();
        b.inFlight = b.allReduce(comm);
    }

    /**
     * Launches the buckets whose gradients never all arrived (parameters unused this step count as
     * zeros), waits for every bucket and writes the summed gradients back.
     */
    public void finishGradients() {
        while (nextToLaunch < buckets.size()) launch(buckets.get(nextToLaunch++));
        long waitStart = System.nanoTime();
        long lastDone = waitStart;
        long firstLaunch = Long.MAX_VALUE;
        try {
            for (GradBucket b : buckets) {
                firstLaunch = Math.min(firstLaunch, b.launchedAtNanos);
                b.inFlight.join();
                lastDone = System.nanoTime();
                b.unpack();
                if (b.extraSlotCount() > 0) readSlots(b.extraSlots());
            }
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        } finally {
            for (GradBucket b : buckets) b.reset();
            nextToLaunch = 0;
        }
        commNanos += lastDone - firstLaunch;
        exposedNanos += lastDone - waitStart;
    }

    private void readSlots(float[] summed) {
        double loss = 0;
        long samples = 0;
        for (int r = 0; r < computeMillis.length; r++) { // in rank order, the same sum on every rank
            computeMillis[r] = slots.computeMillis(summed, r);
            sendStallMillis[r] = slots.sendStallMillis(summed, r);
            loss += slots.lossSum(summed, r);
            samples += slots.samples(summed, r);
        }
        stepLossSum = loss;
        stepSamples = samples;
        computeMeasured = true;
    }

    /**
     * How long each rank computed in the last synchronised step, in milliseconds, indexed by rank:
     * from {@link #beginStep} to the launch of its last gradient bucket (data loading, forward and
     * backward), less the time blocked in collectives meanwhile (waiting for other ranks). Null before the first step. Under
     * bfloat16 wire compression the times are rounded to 8 significant bits.
     */
    public float[] computeMillisByRank() {
        return computeMeasured ? computeMillis.clone() : null;
    }

    /**
     * How long each rank's sends stalled on the network ({@link Communicator#sendStallNanos}, on
     * this ring and SyncBatchNorm's), in milliseconds, indexed by rank, between the launches of its
     * last gradient bucket in the previous synchronised step and in the last one: about one step's
     * collectives. Null before the first step; rounded as {@link #computeMillisByRank()}.
     */
    public float[] sendStallMillisByRank() {
        return computeMeasured ? sendStallMillis.clone() : null;
    }

    /** The summed loss of the last synchronised step over every rank, as each passed it to {@link #recordStepLoss}; exact, the same on every rank. */
    public double stepLossSum() {
        return stepLossSum;
    }

    /** The samples of the last synchronised step over every rank, as passed to {@link #recordStepLoss}. */
    public long stepSamples() {
        return stepSamples;
    }

    /**
     * Wall time from the first bucket's launch to the last bucket's completion, and the part of it
     * spent waiting after backward ended (not hidden behind computation), summed over steps.
     */
    public CommStats commStats() {
        return new CommStats(commNanos, exposedNanos);
    }

    public void resetCommStats() {
        commNanos = 0;
        exposedNanos = 0;
    }

    public record CommStats(long commNanos, long exposedNanos) {
        public double hiddenShare() {
            return commNanos == 0 ? 1.0 : 1.0 - (double) exposedNanos / commNanos;
        }
    }

    /** Removes the hooks from the model's parameters. */
    public void detach() {
        for (Tensor p : model.parameters()) p.clearGradReadyHooks();
    }
}
