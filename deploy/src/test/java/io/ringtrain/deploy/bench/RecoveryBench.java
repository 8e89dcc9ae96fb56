package io.ringtrain.deploy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtrain.allreduce.LocalCommunicator;
import io.ringtrain.deploy.LocalCluster;
import io.ringtrain.deploy.RunMetrics;
import io.ringtrain.deploy.StandaloneCluster;
import io.ringtrain.engine.Tensor;
import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import io.ringtrain.jobs.train.TrainingSetup;
import io.ringtrain.trainer.checkpoint.Cursor;
import io.ringtrain.trainer.checkpoint.Snapshot;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.sql.SparkSession;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * {@code deploy/bin/bench recovery [rounds]}: what losing an executor costs. {@code local-cluster[3,1,1024]}
 * runs 3 replicas of fmnist-cnn on the Fashion-MNIST sample (2 epochs of 63 steps); one executor JVM is
 * killed (SIGKILL) after a random step in the second half of the second epoch (but not its last
 * {@value #KILL_MARGIN_STEPS}), and the job retries.
 * Each round runs mode {@code durable} (a checkpoint each epoch, no snapshots: the retry resumes from
 * the end of epoch 1) and mode {@code snapshot} (in-memory snapshots every step), alternately first.
 * Then, per round, mode {@code elastic} on a standalone cluster of 3 one-core workers ({@link
 * StandaloneCluster}, as {@code deploy/bin/ringtrain-cluster} starts it): {@code --min-replicas 2},
 * {@code --elastic-wait} {@value #ELASTIC_WAIT_SECONDS} s, and the same kill takes the executor's
 * worker with it, so the job goes on with 2 replicas of 48 samples (same global batch), resuming
 * from the survivors' in-memory snapshots.
 *
 * <p>Per mode and metric, one JSON line with the median over the rounds: {@code detect_seconds}
 * (kill to the driver's "attempt 1 failed"), {@code resume_seconds} (kill to the retry's first new
 * step, with {@code executor_back_seconds}: kill to the replacement executor's registration),
 * {@code steps_redone} (last step reported before the kill, less the step the retry continued
 * after) and {@code final_accuracy_delta} (test accuracy less the uninterrupted run's, same seed).
 * For the snapshot mode the reference is the durable mode of the same rounds (ratio = durable ÷
 * snapshot, lower is better for these); the durable mode is the reference itself. For the elastic
 * mode the reference is the snapshot mode (the same kill, its executor replaced), and its
 * {@code resume_seconds} line adds {@code shrink_decided_seconds} (kill to the driver's "training with
 * 2 of 3 replicas": detection plus the elastic wait); the rest is routing the records to 2 replicas
 * and the barrier stage's start. The elastic run's accuracy is compared with the same uninterrupted
 * 3-replica run (same seed). Also: a snapshot's size and
 * capture time, and the uninterrupted run's training time with and without snapshots. With
 * {@code rounds} 0 only the size and capture time (no cluster).
 */
public final class RecoveryBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REPLICAS = 3, BATCH = 32, EPOCHS = 2;
    private static final int STEPS_PER_EPOCH = (6000 + REPLICAS * BATCH - 1) / (REPLICAS * BATCH);
    /**
     * The kill comes at least this many steps before the end: the killer sees a step up to a second
     * after it ran (metrics.jsonl is appended once a second), and a run that ends first is not killed.
     */
    private static final int KILL_MARGIN_STEPS = 12;
    /** Elastic mode: how long the job waits for the lost slot before going on with 2 replicas. */
    private static final int ELASTIC_WAIT_SECONDS = 5;

    /** One killed run's figures. */
    record Recovery(double detectSeconds, double resumeSeconds, double executorBackSeconds, double shrinkSeconds, double stepsRedone,
                    double accuracyDelta, long killedAfter) {}

    /** Kills when the run's metrics show the step; null when it got no further. */
    private interface Killer {
        LocalCluster.Killed killAt(Path metrics, long step) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path data = repoRoot().resolve("data/fashion-mnist-sample");
        Path work = Files.createTempDirectory("recovery-bench");
        Random random = new Random(args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime());
        snapshotCost(config(data, work.resolve("size"), "snapshot"));
        if (rounds == 0) return;
        SparkSession spark = LocalCluster.start("ringtrain-recovery-bench", REPLICAS);
        List<Long> killSteps = new ArrayList<>();
        List<Recovery> durable = new ArrayList<>(), snapshot = new ArrayList<>();
        TrainJob.Summary straight;
        List<Long> executorsAdded = new CopyOnWriteArrayList<>();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onExecutorAdded(SparkListenerExecutorAdded added) {
                executorsAdded.add(added.time());
            }
        });
        try {
            // uninterrupted, with and without snapshots: the reference for accuracy, and what keeping snapshots costs
            TrainJob.Summary plain = TrainJob.run(spark, config(data, work.resolve("straight-durable"), "durable"), System.err);
            straight = TrainJob.run(spark, config(data, work.resolve("straight-snapshot"), "snapshot"), System.err);
            ObjectNode overhead = line("snapshot", "uninterrupted_training_seconds");
            overhead.put("ours", seconds(straight));
            overhead.put("reference", seconds(plain));
            overhead.put("ratio", seconds(plain) / seconds(straight));
            overhead.put("note", "reference: the same run without snapshots; one run each");
            System.out.println(JSON.writeValueAsString(overhead));
            Killer executorOnly = (metrics, step) -> LocalCluster.killAnExecutorAtStep(metrics, step, 600_000);
            for (int round = 0; round < rounds; round++) {
                long killAfter = STEPS_PER_EPOCH + STEPS_PER_EPOCH / 2 + random.nextInt(STEPS_PER_EPOCH / 2 - KILL_MARGIN_STEPS);
                killSteps.add(killAfter);
                for (String mode : round % 2 == 0 ? List.of("durable", "snapshot") : List.of("snapshot", "durable")) {
                    Recovery r = killed(spark, config(data, work.resolve(mode + "-" + round), mode), killAfter, straight, executorOnly, executorsAdded);
                    System.err.println("recovery bench round " + (round + 1) + " " + mode + ": " + r);
                    (mode.equals("durable") ? durable : snapshot).add(r);
                }
            }
            print("durable", durable, null);
            print("snapshot", snapshot, durable);
        } finally {
            spark.stop();
            SparkSession.clearDefaultSession();
            SparkSession.clearActiveSession();
        }
        List<Recovery> elastic = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            try (StandaloneCluster cluster = StandaloneCluster.start(repoRoot(), work.resolve("cluster-" + round), REPLICAS)) {
                SparkSession standalone = cluster.session("ringtrain-recovery-bench-elastic", REPLICAS, Map.of());
                try {
                    Killer withItsWorker = (metrics, step) -> cluster.loseAWorkerAtStep(metrics, step, "KILL", 600_000)
                            .map(lost -> new LocalCluster.Killed(lost.executorPid(), lost.executorId(), lost.atMillis())).orElse(null);
                    Recovery r = killed(standalone, config(data, work.resolve("elastic-" + round), "elastic"), killSteps.get(round), straight, withItsWorker,
                            List.of());
                    System.err.println("recovery bench round " + (round + 1) + " elastic: " + r);
                    elastic.add(r);
                } finally {
                    standalone.stop();
                    SparkSession.clearDefaultSession();
                    SparkSession.clearActiveSession();
                }
            }
        }
        print("elastic", elastic, snapshot);
    }

    private static TrainJobConfig config(Path data, Path run, String mode) {
        TrainJobConfig c = new TrainJobConfig();
        c.input.data = data.toString();
        c.runDir = run.toString();
        c.replicas = REPLICAS;
        c.batchSize = BATCH;
        c.epochs = EPOCHS;
        c.seed = 7;
        c.recovery.checkpointEverySteps = 0; // each epoch, as by default
        c.recovery.snapshotEverySteps = mode.equals("durable") ? 0 : 1;
        if (mode.equals("elastic")) {
            c.recovery.minReplicas = REPLICAS - 1;
            c.recovery.elasticWaitSeconds = ELASTIC_WAIT_SECONDS;
        }
        c.input.mean = new float[] {0.2860f};
        c.input.std = new float[] {0.3530f};
        return c;
    }

    private static Recovery killed(SparkSession spark, TrainJobConfig config, long killAfter, TrainJob.Summary straight, Killer killer,
                                   List<Long> executorsAdded) throws Exception {
        Path metrics = Path.of(config.runDir).resolve("metrics.jsonl");
        AtomicReference<LocalCluster.Killed> killed = new AtomicReference<>();
        Thread killing = new Thread(() -> {
            try {
                killed.set(killer.killAt(metrics, killAfter));
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
        killing.setDaemon(true);
        killing.start();
        AtomicLong detected = new AtomicLong(-1), shrunk = new AtomicLong(-1);
        PrintStream console = new PrintStream(new OutputStream() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void write(int b) {
                System.err.write(b);
                if (b != '\n') {
                    line.append((char) b);
                    return;
                }
                if (line.indexOf("attempt 1 failed") >= 0) detected.compareAndSet(-1, System.currentTimeMillis());
                if (line.indexOf("training with " + (REPLICAS - 1) + " of " + REPLICAS + " replicas") >= 0) shrunk.compareAndSet(-1, System.currentTimeMillis());
                line.setLength(0);
            }
        }, true);
        TrainJob.Summary recovered = TrainJob.run(spark, config, console);
        killing.join(1000);
        LocalCluster.Killed k = killed.get();
        if (k == null || recovered.attempts() < 2) throw new IllegalStateException("no executor was killed in " + config.runDir);
        long back = executorsAdded.stream().filter(t -> t >= k.atMillis()).findFirst().orElse(-1L);
        int retry = 2; // the first attempt that trained after the kill: one cancelled while waiting for slots has no steps
        while (RunMetrics.steps(metrics, retry).isEmpty() && retry < recovered.attempts()) retry++;
        long lastBefore = RunMetrics.lastStep(metrics, 1), firstAfter = RunMetrics.firstStep(metrics, retry);
        return new Recovery((detected.get() - k.atMillis()) / 1e3, (RunMetrics.firstStepMillis(metrics, retry) - k.atMillis()) / 1e3,
                back < 0 ? Double.NaN : (back - k.atMillis()) / 1e3, shrunk.get() < 0 ? Double.NaN : (shrunk.get() - k.atMillis()) / 1e3,
                lastBefore - (firstAfter - 1),
                recovered.testAccuracy() - straight.testAccuracy(), lastBefore);
    }

    private static void print(String mode, List<Recovery> runs, List<Recovery> reference) throws Exception {
        record Metric(String name, ToDoubleFunction<Recovery> value) {}
        for (Metric m : List.of(new Metric("detect_seconds", Recovery::detectSeconds), new Metric("resume_seconds", Recovery::resumeSeconds),
                new Metric("steps_redone", Recovery::stepsRedone), new Metric("final_accuracy_delta", Recovery::accuracyDelta))) {
            ObjectNode line = line(mode, m.name());
            double ours = median(runs, m.value());
            line.put("ours", ours);
            boolean comparable = reference != null && !m.name().equals("final_accuracy_delta");
            if (comparable) {
                double ref = median(reference, m.value());
                line.put("reference", ref);
                if (ours > 0) line.put("ratio", ref / ours);
                else line.putNull("ratio");
            } else {
                line.putNull("reference");
                line.putNull("ratio");
            }
            line.set("rounds", JSON.valueToTree(runs.stream().mapToDouble(m.value()).toArray()));
            if (m.name().equals("resume_seconds") && mode.equals("elastic")) {
                line.put("shrink_decided_seconds", median(runs, Recovery::shrinkSeconds));
                line.put("elastic_wait_seconds", ELASTIC_WAIT_SECONDS);
            } else if (m.name().equals("resume_seconds")) {
                line.put("executor_back_seconds", median(runs, Recovery::executorBackSeconds));
            }
            if (mode.equals("elastic") && comparable) line.put("reference_is", "mode snapshot: the same kill, its executor replaced (local-cluster)");
            if (m.name().equals("steps_redone")) line.set("killed_after_step", JSON.valueToTree(runs.stream().mapToLong(Recovery::killedAfter).toArray()));
            System.out.println(JSON.writeValueAsString(line));
        }
    }

    private static ObjectNode line(String mode, String metric) {
        ObjectNode line = JSON.createObjectNode();
        line.put("bench", "recovery");
        ObjectNode params = line.putObject("params");
        params.put("mode", mode);
        params.put("master", mode.equals("elastic") ? "standalone, " + REPLICAS + " workers of 1 core" : "local-cluster[" + REPLICAS + ",1,1024]");
        params.put("replicas", REPLICAS);
        if (mode.equals("elastic")) params.put("min_replicas", REPLICAS - 1);
        params.put("model", "fmnist-cnn");
        line.put("metric", metric);
        return line;
    }

    /**
     * The size of one snapshot of the job's model and optimizer after a step (SGD's momentum exists
     * from the first step on), and the median time to capture it, over 101 captures after 200 warm-up
     * ones: a training run takes one per step, so the steady state is what a run pays (the first
     * captures also pay the JIT and the first touch of fresh heap memory).
     */
    private static void snapshotCost(TrainJobConfig config) throws Exception {
        try (LocalCommunicator comm = new LocalCommunicator()) {
            TrainingSetup setup = TrainingSetup.of(config, comm, STEPS_PER_EPOCH);
            Tensor loss = setup.model().forward(Tensor.zeros(2, config.input.inputShape[0], config.input.inputShape[1], config.input.inputShape[2])).sum();
            loss.backward();
            setup.optimizer().step();
            Cursor cursor = new Cursor(1, 0, 1, Map.of());
            long bytes = 0;
            double[] millis = new double[101];
            for (int i = -200; i < millis.length; i++) {
                long t0 = System.nanoTime();
                bytes = Snapshot.capture(setup.model(), setup.optimizer(), cursor).sizeBytes();
                if (i >= 0) millis[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(millis);
            ObjectNode size = line("snapshot", "snapshot_bytes_per_executor");
            size.put("ours", bytes);
            size.putNull("reference");
            size.putNull("ratio");
            size.put("note", "parameters, buffers and SGD momentum of fmnist-cnn; ranks sharing an executor JVM share one");
            System.out.println(JSON.writeValueAsString(size));
            ObjectNode capture = line("snapshot", "snapshot_capture_millis");
            capture.put("ours", millis[millis.length / 2]);
            capture.putNull("reference");
            capture.putNull("ratio");
            System.out.println(JSON.writeValueAsString(capture));
        }
    }

    private static double seconds(TrainJob.Summary summary) throws Exception {
        return JSON.readTree(summary.json()).path("seconds").asDouble(Double.NaN);
    }

    private static double median(List<Recovery> runs, ToDoubleFunction<Recovery> value) {
        double[] v = runs.stream().mapToDouble(value).sorted().toArray();
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static Path repoRoot() {
        Path root = Path.of(System.getProperty("ringtrain.root", ""));
        return root.toString().isEmpty() ? Path.of("").toAbsolutePath().getParent() : root;
    }
}
