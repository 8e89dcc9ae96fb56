package io.ringtrain.deploy;

import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training job on a real multi-JVM cluster: Spark's {@code local-cluster[2,1,1024]} (see
 * {@link LocalCluster}). Then one executor JVM is killed mid-training of a run in a relative folder,
 * in the second half of the first epoch, well after the last durable checkpoint: the barrier stage
 * fails, the job retries, and the replicas continue from the in-memory snapshot of the last step
 * (the replacement executor gets it over the ring), redoing at most one step and ending with the
 * uninterrupted run's weights bit for bit. The run's metrics.jsonl and summary.json name the killed
 * replica: its rank, executor id and host.
 */
class LocalClusterTrainIT {
    private static SparkSession spark;

    /** 94 steps an epoch (6000 samples, global batches of 2 × 32): the kill comes after this step, in the epoch's second half, past the checkpoint at 50. */
    private static final int KILL_AFTER_STEP = 60;

    @BeforeAll
    static void startCluster() throws IOException {
        spark = LocalCluster.start("ringtrain-local-cluster-it", 2);
    }

    @AfterAll
    static void stopCluster() {
        if (spark != null) spark.stop();
    }

    private static TrainJobConfig config(Path run) {
        TrainJobConfig c = new TrainJobConfig();
        c.input.data = repoRoot().resolve("data/fashion-mnist-sample").toString();
        c.runDir = run.toString();
        c.replicas = 2;
        c.batchSize = 32;
        c.epochs = 2;
        c.seed = 11;
        c.recovery.checkpointEverySteps = 25;
        c.recovery.collectiveTimeoutSeconds = 20;
        return c;
    }

    @Test
    void trainsAcrossExecutorJvmsAndRecoversFromAKilledExecutor(@TempDir Path tmp) throws Exception {
        TrainJob.Summary straight = TrainJob.run(spark, config(tmp.resolve("straight")), System.out);
        assertEquals(1, straight.attempts());
        assertTrue(straight.testAccuracy() > 0.75, straight.json());

        // relative, as the default runs/latest is: the executors' working directories are not the driver's
        Path run = Path.of("target", "relative-run-" + System.nanoTime());
        AtomicReference<LocalCluster.Killed> killed = new AtomicReference<>();
        Thread killer = new Thread(() -> {
            try {
                killed.set(LocalCluster.killAnExecutorAtStep(run.resolve("metrics.jsonl"), KILL_AFTER_STEP, 300_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.setDaemon(true);
        killer.start();
        TrainJob.Summary recovered = TrainJob.run(spark, config(run), System.out);
        killer.join(1000);
        System.out.println("uninterrupted: " + straight.json() + "\nafter killing executor " + killed.get() + ": " + recovered.json());
        assertTrue(killed.get() != null, "an executor JVM was killed");
        assertTrue(recovered.attempts() >= 2, "the job retried after losing an executor");
        assertEquals(run.toAbsolutePath().toString(), recovered.runDir(), "the driver qualified the run folder");
        assertTrue(Files.exists(run.resolve("model.safetensors")), "the executors wrote the model into the driver's run folder");
        Path metrics = run.resolve("metrics.jsonl");
        long lastStepBeforeTheKill = RunMetrics.lastStep(metrics, 1), firstStepOfTheRetry = RunMetrics.firstStep(metrics, 2);
        assertTrue(lastStepBeforeTheKill >= KILL_AFTER_STEP, "killed after step " + lastStepBeforeTheKill);
        assertTrue(lastStepBeforeTheKill - (firstStepOfTheRetry - 1) <= 1, "the retry continued from the in-memory snapshot, not the checkpoint at step 50:"
                + " last step before the kill " + lastStepBeforeTheKill + ", first step of the retry " + firstStepOfTheRetry);
        assertSameTensors(tmp.resolve("straight").resolve("model.safetensors"), run.resolve("model.safetensors"));
        assertEquals(straight.testAccuracy(), recovered.testAccuracy(), "the same weights, the same accuracy");

        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var culprit = json.readTree(recovered.json()).path("failures").path(0);
        assertEquals(killed.get().executorId(), culprit.path("executor_id").asText(), "summary.json names the killed executor: " + recovered.json());
        assertTrue(culprit.path("rank").asInt(-1) == 0 || culprit.path("rank").asInt(-1) == 1, recovered.json());
        assertFalse(culprit.path("host").asText("").isEmpty(), "and its host: " + recovered.json());
        assertEquals(recovered.json(), Files.readString(run.resolve("summary.json")));
        String failureLine = Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"type\":\"failure\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no failure line in metrics.jsonl"));
        assertEquals(culprit, json.readTree(failureLine).path("culprit"), failureLine);
        assertEquals(1, json.readTree(failureLine).path("attempt").asInt(), failureLine);
    }

    /** The two model files hold the same tensors, bit for bit (their metadata, e.g. the run folder, may differ). */
    private static void assertSameTensors(Path expected, Path actual) throws IOException {
        var want = io.ringtrain.engine.io.SafeTensors.read(expected).tensors();
        var got = io.ringtrain.engine.io.SafeTensors.read(actual).tensors();
        assertEquals(want.keySet(), got.keySet());
        want.forEach((name, t) -> org.junit.jupiter.api.Assertions.assertArrayEquals(t.toArray(), got.get(name).toArray(),
                name + " differs from the uninterrupted run's"));
    }

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("data/fashion-mnist-sample"))) return p;
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
}
