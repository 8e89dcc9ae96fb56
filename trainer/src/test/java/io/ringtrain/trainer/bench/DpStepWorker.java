package io.ringtrain.trainer.bench;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.CommunicatorConfig;
import io.ringtrain.allreduce.Compression;
import io.ringtrain.allreduce.LocalCommunicator;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.RingCommunicator;
import io.ringtrain.allreduce.RingServer;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.SGD;
import io.ringtrain.trainer.EquivalenceModels;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.data.Samples;
import io.ringtrain.trainer.loop.ClassificationObjective;
import io.ringtrain.trainer.sync.DistributedReplica;
import io.ringtrain.trainer.sync.ReplicaOptions;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One replica of the dp-step benchmark in its own JVM: fmnist-cnn training steps (forward,
 * backward with bucketed all-reduce, SGD) on batch b; prints one JSON object with the median step
 * time and the communication time, total and exposed (not hidden behind backward).
 * Args: RANK STEPS BATCH host:port... (one peer: no communication).
 *
 * <p>Diagnostic switches (system properties), each isolating one cost of the W = 2 step:
 * {@code dpstep.noReplica} connects the ring but synchronises nothing; {@code dpstep.fakeComm}
 * packs and unpacks the gradient buckets but completes their all-reduces at once (no network);
 * {@code dpstep.lockstep} starts every timed step with a barrier, so the replicas run in step as a
 * real ring forces them to; {@code dpstep.bucketBytes} / {@code dpstep.firstBucketBytes} set the bucket caps.
 *
 * <p>Arguments: {@code rank timedSteps batch peers...}; {@code dpstep.warmupSteps} (default {@value
 * #WARMUP_STEPS}) untimed steps come first. Where a W = 2 step's time goes:
 * {@code dpstep.threads} prints each thread's CPU per timed step; {@code dpstep.printSteps} every
 * step's time; {@code dpstep.timeStats} the time spent in SyncBatchNorm's collectives; and {@code
 * dpstep.traceFile=PREFIX} writes when each of those collectives was entered and left on this rank
 * (file PREFIX + rank, {@code System.nanoTime()}, which on Linux is one clock for every process),
 * for tools/bench/dpstep_sync_trace.py to split into arrival skew and latency.
 */
public final class DpStepWorker {
    /**
     * Untimed steps first. The JIT compiles on the replica's only core: through the first ~10 steps
     * the model's kernels (60-130 ms a step against ~40), and then, at 20-80 methods a second, the
     * rarer paths for a few hundred steps more, each compilation a pause of its own. A single
     * replica absorbs its own pauses; replicas in step wait for each other's, so with 30 warm-up
     * steps W = 2's mean step was still 5-10 ms above its steady state. With 300, the first 100
     * timed steps of W = 2 with SyncBatchNorm still ran 2-4 ms slower than the later ones
     * (-XX:+PrintCompilation: 104 compilations in the 5 s after step 300, 30 in the next 5 s, then
     * 5-20). 600 steps (about 30 s) measure what a job of thousands of steps runs at.
     */
    static final int WARMUP_STEPS = 600;

    public static void main(String[] args) throws Exception {
        int rank = Integer.parseInt(args[0]), timedSteps = Integer.parseInt(args[1]), batch = Integer.parseInt(args[2]);
        List<String> peers = List.of(args).subList(3, args.length);
        // -Ddpstep.statsRing=true: the second half of the peers is a ring of its own for SyncBatchNorm,
        // so its blocking statistics collectives do not queue behind gradient buckets in flight
        boolean statsRing = Boolean.getBoolean("dpstep.statsRing");
        List<String> gradientPeers = statsRing ? peers.subList(0, peers.size() / 2) : peers;
        Communicator connected = connect(gradientPeers, rank);
        Communicator comm = Boolean.getBoolean("dpstep.fakeComm") ? fake(connected) : connected;
        Communicator statsComm = statsRing ? connect(peers.subList(peers.size() / 2, peers.size()), rank) : comm;
        String traceFile = System.getProperty("dpstep.traceFile");
        if (Boolean.getBoolean("dpstep.timeStats") || traceFile != null) statsComm = timed(statsComm);
        try (comm; Communicator closeStats = statsRing ? statsComm : null) {
            // -Ddpstep.syncBn=false: each replica normalises with its own batch statistics (no BatchNorm collectives)
            Module model = EquivalenceModels.FMNIST_CNN.model(Boolean.parseBoolean(System.getProperty("dpstep.syncBn", "true")) ? statsComm : new LocalCommunicator());
            // -Ddpstep.compression=bf16: gradients sent as bfloat16
            ReplicaOptions options = ReplicaOptions.DEFAULTS.withGradientCompression(
                    "bf16".equals(System.getProperty("dpstep.compression")) ? Compression.BF16 : Compression.NONE);
            if (System.getProperty("dpstep.firstBucketBytes") != null) { // bucket-size scans
                options = new ReplicaOptions(options.bucketCapBytes(), Long.getLong("dpstep.firstBucketBytes"), options.gradientCompression());
            }
            if (System.getProperty("dpstep.bucketBytes") != null) options = options.withBucketCapBytes(Long.getLong("dpstep.bucketBytes"));
            DistributedReplica replica = comm.worldSize() > 1 && !Boolean.getBoolean("dpstep.noReplica") ? new DistributedReplica(model, comm, options) : null;
            SGD sgd = new SGD(model.parameters(), 0.01).momentum(0.9);
            Samples data = EquivalenceModels.FMNIST_CNN.data(batch * 4, rank);
            ClassificationObjective objective = new ClassificationObjective();
            if (connected.worldSize() > 1) warmUpCollectives(connected, statsComm, rank);
            int warmup = Integer.getInteger("dpstep.warmupSteps", WARMUP_STEPS);
            int steps = warmup + timedSteps;
            double[] stepMillis = new double[timedSteps];
            double[][] phaseMillis = new double[4][timedSteps]; // forward, backward, gradient wait, optimizer
            long cpuAtWarmup = 0;
            Map<String, Long> threadsAtWarmup = null;
            for (int s = 0; s < steps; s++) {
                if (s == warmup) {
                    cpuAtWarmup = processCpuNanos();
                    threadsAtWarmup = threadCpu();
                    STATS_NANOS[0] = STATS_NANOS[1] = 0;
                    traceCount = 0;
                }
                if (s == warmup && replica != null) replica.resetCommStats();
                int[] idx = new int[batch];
                for (int i = 0; i < batch; i++) idx[i] = (s * batch + i) % data.size();
                Batch b = Batch.gather(data, idx, 0);
                long t0 = System.nanoTime();
                if (Boolean.getBoolean("dpstep.lockstep")) connected.barrier(); // counted: waiting for the other replica is the cost
                long global = replica != null ? replica.beginStep(batch, (long) batch * comm.worldSize()) : batch; // the plan knows N, as in Trainer
                Tensor loss = objective.lossSum(model.forward(b.inputs()), b).mul(1f / global);
                long t1 = System.nanoTime();
                loss.backward();
                long t2 = System.nanoTime();
                if (replica != null) replica.finishGradients();
                long t3 = System.nanoTime();
                sgd.step();
                sgd.zeroGrad();
                long t4 = System.nanoTime();
                if (s >= warmup) {
                    stepMillis[s - warmup] = (t4 - t0) / 1e6;
                    long[] marks = {t0, t1, t2, t3, t4};
                    for (int p = 0; p < 4; p++) phaseMillis[p][s - warmup] = (marks[p + 1] - marks[p]) / 1e6;
                }
            }
            double cpuMsPerStep = (processCpuNanos() - cpuAtWarmup) / 1e6 / stepMillis.length; // every thread: compute, I/O, reductions, GC
            if (Boolean.getBoolean("dpstep.timeStats")) {
                System.err.printf(Locale.ROOT, "rank %d SyncBatchNorm per step: forward all-gathers %.2f ms, backward all-reduces %.2f ms%n",
                        rank, STATS_NANOS[0] / 1e6 / stepMillis.length, STATS_NANOS[1] / 1e6 / stepMillis.length);
            }
            if (Boolean.getBoolean("dpstep.threads")) {
                StringBuilder perStep = new StringBuilder(); // GC and JIT threads are not Java threads: process CPU minus these
                for (var e : threadCpu().entrySet()) {
                    long timed = e.getValue() - threadsAtWarmup.getOrDefault(e.getKey(), 0L);
                    if (timed > 0) perStep.append(String.format(Locale.ROOT, "%s=%.2f ", e.getKey(), timed / 1e6 / stepMillis.length));
                }
                System.err.println("rank " + rank + " thread CPU ms per timed step: " + perStep);
            }
            if (Boolean.getBoolean("dpstep.printSteps")) {
                System.err.println("rank " + rank + " step ms: " + Arrays.toString(Arrays.stream(stepMillis).map(t -> Math.round(t * 10) / 10.0).toArray()));
            }
            if (traceFile != null) {
                StringBuilder lines = new StringBuilder("# steps " + stepMillis.length + "\n");
                for (int i = 0; i < traceCount; i++) lines.append(TRACE[2 * i]).append(' ').append(TRACE[2 * i + 1]).append('\n');
                Files.writeString(Path.of(traceFile + rank), lines);
            }
            double median = median(stepMillis);
            double mean = Arrays.stream(stepMillis).average().orElse(0); // GC pauses included: what throughput sees
            double commMs = replica == null ? 0 : replica.commStats().commNanos() / 1e6 / stepMillis.length;
            double exposedMs = replica == null ? 0 : replica.commStats().exposedNanos() / 1e6 / stepMillis.length;
            System.out.println(String.format(Locale.ROOT, "{\"rank\":%d,\"world\":%d,\"median_step_ms\":%.3f,\"mean_step_ms\":%.3f,\"comm_ms\":%.3f,\"exposed_comm_ms\":%.3f,"
                    + "\"forward_ms\":%.3f,\"backward_ms\":%.3f,\"wait_ms\":%.3f,\"optimizer_ms\":%.3f,\"cpu_ms\":%.3f}",
                    rank, comm.worldSize(), median, mean, commMs, exposedMs, median(phaseMillis[0]), median(phaseMillis[1]), median(phaseMillis[2]), median(phaseMillis[3]), cpuMsPerStep));
        }
        System.exit(0);
    }

    /**
     * Runs a step's collectives (a small and a large gradient bucket, SyncBatchNorm's all-gather and
     * all-reduce) for {@code dpstep.commWarmUpMillis} (5 s) before anything is timed. A step issues
     * only a few dozen frames, so without this C2 would still be compiling the ring's code (on the
     * replica's only core) hundreds of steps in, which a long job never sees; W = 1 has no such code.
     * Rank 0 decides when to stop, so every rank issues the same collectives.
     */
    private static void warmUpCollectives(Communicator comm, Communicator statsComm, int rank) {
        long millis = Long.getLong("dpstep.commWarmUpMillis", 5000);
        float[] largeBucket = new float[420_000];
        float[] smallBucket = new float[1418];
        double[] sums = new double[128];
        byte[] stats = new byte[1032];
        long start = System.nanoTime();
        byte[] keepGoing = {(byte) (millis > 0 ? 1 : 0)};
        while (keepGoing[0] == 1) {
            comm.allReduce(largeBucket, ReduceOp.SUM);
            for (int i = 0; i < 10; i++) {
                comm.allReduce(smallBucket, ReduceOp.SUM);
                statsComm.allGather(stats);
                statsComm.allReduce(sums, ReduceOp.SUM);
            }
            byte[] decision = {(byte) (System.nanoTime() - start < millis * 1_000_000L ? 1 : 0)};
            keepGoing = comm.broadcast(rank == 0 ? decision : new byte[0], 0);
        }
    }

    /** Entry and exit nanos of SyncBatchNorm's collectives in the timed steps, for dpstep.traceFile. */
    static final long[] TRACE = new long[200_000];
    static int traceCount;
    static final long[] STATS_NANOS = new long[2]; // allGather (forward), allReduce (backward)

    /** The communicator with the time spent in SyncBatchNorm's two blocking collectives counted. */
    private static Communicator timed(Communicator c) {
        return (Communicator) java.lang.reflect.Proxy.newProxyInstance(Communicator.class.getClassLoader(), new Class<?>[] {Communicator.class}, (proxy, m, a) -> {
            long t0 = System.nanoTime();
            try {
                return m.invoke(c, a);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            } finally {
                boolean statsCollective = m.getName().equals("allGather") || m.getName().equals("allReduce");
                if (statsCollective && traceCount < TRACE.length / 2) {
                    TRACE[2 * traceCount] = t0;
                    TRACE[2 * traceCount + 1] = System.nanoTime();
                    traceCount++;
                }
                if (m.getName().equals("allGather")) STATS_NANOS[0] += System.nanoTime() - t0;
                if (m.getName().equals("allReduce")) STATS_NANOS[1] += System.nanoTime() - t0;
            }
        });
    }

    private static Communicator fake(Communicator c) {
        return (Communicator) java.lang.reflect.Proxy.newProxyInstance(Communicator.class.getClassLoader(), new Class<?>[] {Communicator.class}, (proxy, m, a) -> {
            if (m.getName().equals("allReduceAsync")) return java.util.concurrent.CompletableFuture.completedFuture(null);
            try {
                return m.invoke(c, a);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static Communicator connect(List<String> peers, int rank) {
        if (peers.size() == 1) return new LocalCommunicator();
        String me = peers.get(rank);
        int port = Integer.parseInt(me.substring(me.lastIndexOf(':') + 1));
        InetAddress host;
        try {
            host = InetAddress.getByName(me.substring(0, me.lastIndexOf(':'))); // loopback, or this rank's host (dp-step --link)
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve " + me, e);
        }
        RingServer server = RingServer.bind(host, port);
        return RingCommunicator.connect(server, CommunicatorConfig.builder().setPeers(peers).setRank(rank)
                .setSecret("dp-step".getBytes(StandardCharsets.UTF_8)).optTimeout(Duration.ofSeconds(120))
                .optSegmentBytes(Integer.getInteger("dpstep.segmentBytes", 256 << 10)).build());
    }

    /** CPU nanos per Java thread name, numbers folded (all I/O threads together). */
    private static Map<String, Long> threadCpu() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new TreeMap<>();
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            if (info != null) byName.merge(info.getThreadName().replaceAll("\\d+", "N"), threads.getThreadCpuTime(id), Long::sum);
        }
        return byName;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
