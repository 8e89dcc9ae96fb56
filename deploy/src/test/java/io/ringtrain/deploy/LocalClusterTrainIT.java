package io.ringtrain.deploy;

import io.ringtrain.jobs.train.RingtrainKryoRegistrator;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training job on a real multi-JVM cluster: Spark's {@code local-cluster[2,1,1024]} runs a
 * standalone master and two workers, each executor in its own JVM (the
 * Spark home is target/spark-home, whose jars/ are the packaged artifact and its dependencies).
 * Then one executor JVM is killed mid-training of a run in a relative folder: the barrier stage fails,
 * the job retries and every replica resumes from the latest checkpoint in the driver's folder,
 * ending where the uninterrupted run ends, and the run's metrics.jsonl and summary.json name the
 * killed replica: its rank, executor id and host.
 */
class LocalClusterTrainIT {
    private static SparkSession spark;

    @BeforeAll
    static void startCluster() throws IOException {
        Path home = Path.of(System.getenv().getOrDefault("SPARK_HOME", "target/spark-home"));
        Path jars = Files.createDirectories(home.resolve("jars"));
        try (Stream<Path> lib = Files.list(Path.of("target/lib"))) {
            for (Path jar : lib.toList()) linkInto(jars, jar);
        }
        linkInto(jars, Path.of("target/ringtrain.jar"));
        String flags = "--add-modules jdk.incubator.vector -Djdk.reflect.useDirectMethodHandle=false"
                + " --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED"
                + " --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
                + " --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED";
        spark = SparkSession.builder().appName("ringtrain-local-cluster-it").master("local-cluster[2,1,1024]")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrator", RingtrainKryoRegistrator.class.getName())
                .config("spark.executor.extraJavaOptions", flags)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.barrier.sync.timeout", "300")
                .getOrCreate();
    }

    private static void linkInto(Path dir, Path jar) throws IOException {
        Path link = dir.resolve(jar.getFileName());
        if (!Files.exists(link)) Files.createSymbolicLink(link, jar.toAbsolutePath());
    }

    @AfterAll
    static void stopCluster() {
        if (spark != null) spark.stop();
    }

    private static TrainJobConfig config(Path run) {
        TrainJobConfig c = new TrainJobConfig();
        c.data = repoRoot().resolve("data/fashion-mnist-sample").toString();
        c.runDir = run.toString();
        c.replicas = 2;
        c.batchSize = 32;
        c.epochs = 2;
        c.seed = 11;
        c.checkpointEverySteps = 25;
        c.collectiveTimeoutSeconds = 20;
        return c;
    }

    @Test
    void trainsAcrossExecutorJvmsAndRecoversFromAKilledExecutor(@TempDir Path tmp) throws Exception {
        TrainJob.Summary straight = TrainJob.run(spark, config(tmp.resolve("straight")), System.out);
        assertEquals(1, straight.attempts());
        assertTrue(straight.testAccuracy() > 0.75, straight.json());

        // relative, as the default runs/latest is: the executors' working directories are not the driver's
        Path run = Path.of("target", "relative-run-" + System.nanoTime());
        AtomicLong killedPid = new AtomicLong(-1);
        AtomicReference<String> killedExecutorId = new AtomicReference<>();
        Thread killer = new Thread(() -> killAnExecutorAfterTheFirstCheckpoint(run.resolve("checkpoints"), killedPid, killedExecutorId));
        killer.setDaemon(true);
        killer.start();
        TrainJob.Summary recovered = TrainJob.run(spark, config(run), System.out);
        killer.join(1000);
        System.out.println("uninterrupted: " + straight.json() + "\nafter killing executor pid " + killedPid.get() + ": " + recovered.json());
        assertTrue(killedPid.get() > 0, "an executor JVM was killed");
        assertTrue(recovered.attempts() >= 2, "the job retried after losing an executor");
        assertEquals(run.toAbsolutePath().toString(), recovered.runDir(), "the driver qualified the run folder");
        assertTrue(Files.exists(run.resolve("model.safetensors")), "the executors wrote the model into the driver's run folder");
        long firstStepOfTheRetry = firstGlobalStep(run.resolve("metrics.jsonl"), 2);
        assertTrue(firstStepOfTheRetry > 25, "the retry resumed from the checkpoint (every 25 steps), not step 1: its first step is " + firstStepOfTheRetry);
        assertEquals(straight.testAccuracy(), recovered.testAccuracy(), 0.005, "resumed run ends within ±0.5% of the uninterrupted one");

        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var culprit = json.readTree(recovered.json()).path("failures").path(0);
        assertEquals(killedExecutorId.get(), culprit.path("executor_id").asText(), "summary.json names the killed executor: " + recovered.json());
        assertTrue(culprit.path("rank").asInt(-1) == 0 || culprit.path("rank").asInt(-1) == 1, recovered.json());
        assertFalse(culprit.path("host").asText("").isEmpty(), "and its host: " + recovered.json());
        assertEquals(recovered.json(), Files.readString(run.resolve("summary.json")));
        String failureLine = Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"type\":\"failure\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no failure line in metrics.jsonl"));
        assertEquals(culprit, json.readTree(failureLine).path("culprit"), failureLine);
        assertEquals(1, json.readTree(failureLine).path("attempt").asInt(), failureLine);
    }

    /** The global step of the first step line of {@code attempt} in a metrics.jsonl. */
    private static long firstGlobalStep(Path metrics, int attempt) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : Files.readAllLines(metrics)) {
            var node = json.readTree(line);
            if (node.path("type").asText().equals("step") && node.path("attempt").asInt() == attempt) return node.path("global_step").asLong();
        }
        throw new AssertionError("no step line of attempt " + attempt + " in " + metrics);
    }

    private static void killAnExecutorAfterTheFirstCheckpoint(Path checkpoints, AtomicLong killedPid, AtomicReference<String> killedExecutorId) {
        long deadline = System.currentTimeMillis() + 300_000;
        try {
            while (System.currentTimeMillis() < deadline) {
                if (Files.isDirectory(checkpoints)) {
                    try (Stream<Path> s = Files.list(checkpoints)) {
                        if (s.anyMatch(p -> p.getFileName().toString().startsWith("step-"))) break;
                    }
                }
                Thread.sleep(200);
            }
            List<ProcessHandle> executors = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")).orElse(false)).toList();
            if (!executors.isEmpty()) {
                ProcessHandle victim = executors.get(executors.size() - 1);
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("--executor-id (\\S+)").matcher(victim.info().commandLine().orElse(""));
                if (id.find()) killedExecutorId.set(id.group(1));
                victim.destroyForcibly();
                killedPid.set(victim.pid());
            }
        } catch (IOException | InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("data/fashion-mnist-sample"))) return p;
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
}
