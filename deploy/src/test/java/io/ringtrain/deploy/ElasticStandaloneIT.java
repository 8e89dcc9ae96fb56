package io.ringtrain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host gone for good under {@code --min-replicas}, on a real standalone cluster
 * ({@code deploy/bin/ringtrain-cluster}, 3 one-core workers): mid-epoch one worker and its executor
 * are frozen (SIGSTOP: silent, connections open, as behind a cut link). The replicas' collective
 * times out and the attempt fails; the driver still counts the frozen executor's slot, so the retry
 * asks for 3 replicas and waits for a slot Spark will not give until it expires the executor
 * ({@code spark.network.timeout}). The slot watch then cancels that attempt after
 * {@code --slot-wait-seconds}, and instead of exiting 75 the job goes on with 2 replicas (the
 * elastic wait passes without the slot) from the survivors' in-memory snapshots, and finishes.
 */
class ElasticStandaloneIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 63 steps an epoch (6000 samples, global batch 96); the host goes after this one. */
    private static final int LOSE_AFTER_STEP = 12;

    @Test
    void aWorkerLostForGoodUnderMinReplicasShrinksTheJobWhichFinishesInsteadOfExiting75(@TempDir Path tmp) throws Exception {
        Path root = ProjectFiles.root();
        Path run = tmp.resolve("run");
        TrainJobConfig c = new TrainJobConfig();
        c.input.data = root.resolve("data/fashion-mnist-sample").toString();
        c.runDir = run.toString();
        c.replicas = 3;
        c.recovery.minReplicas = 2;
        c.recovery.elasticWaitSeconds = 3;
        c.recovery.slotWaitSeconds = 5;
        c.batchSize = 32;
        c.epochs = 1;
        c.seed = 5;
        c.recovery.collectiveTimeoutSeconds = 3;
        c.recovery.maxAttempts = 4;
        c.input.mean = new float[] {0.2860f};
        c.input.std = new float[] {0.3530f};
        // The driver gives up on a silent executor after 30 s instead of 120 s: well after the ring's 3 s,
        // so the retry still counts the frozen executor's slot and waits in Spark, where the slot watch finds it.
        Map<String, String> detection = Map.of("spark.network.timeout", "30s", "spark.network.timeoutInterval", "2s", "spark.executor.heartbeatInterval", "2s");
        try (StandaloneCluster cluster = StandaloneCluster.start(root, tmp.resolve("cluster"), 3)) {
            SparkSession spark = cluster.session("ringtrain-elastic-standalone-it", 3, detection);
            try {
                AtomicReference<Optional<StandaloneCluster.Lost>> lost = new AtomicReference<>(Optional.empty());
                Thread loser = new Thread(() -> {
                    try {
                        lost.set(cluster.loseAWorkerAtStep(run.resolve("metrics.jsonl"), LOSE_AFTER_STEP, "STOP", 300_000));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                loser.setDaemon(true);
                loser.start();
                ByteArrayOutputStream printed = new ByteArrayOutputStream();
                PrintStream console = new PrintStream(new TeeOutputStream(printed, System.out), true, StandardCharsets.UTF_8);

                TrainJob.Summary summary = TrainJob.run(spark, c, console); // a CapacityException here is the exit 75 this test rules out

                loser.join(1000);
                String out = printed.toString(StandardCharsets.UTF_8);
                assertTrue(lost.get().isPresent(), "a worker was frozen");
                assertTrue(out.contains("this attempt's 3 replicas had 2 task slots for") && out.contains("goes on with the replicas the cluster offers (--min-replicas 2)"),
                        "the slot watch cancelled the attempt waiting for the lost slot, saying the job goes on:\n" + out);
                assertFalse(out.contains("lower --replicas"), "a job that may shrink is not told to lower --replicas:\n" + out);
                assertTrue(out.contains("training with 2 of 3 replicas (48 samples each, global batch 96"), out);
                JsonNode result = JSON.readTree(summary.json());
                assertEquals(2, result.path("replicas").asInt(), summary.json());
                assertEquals(63, result.path("optimizer_steps").asInt(), summary.json());
                assertEquals("shrink", result.path("replica_changes").path(0).path("reason").asText(), summary.json());
                assertTrue(summary.testAccuracy() > 0.6, summary.json());
                Path metrics = run.resolve("metrics.jsonl");
                int shrunk = summary.attempts();
                long lastBefore = RunMetrics.lastStep(metrics, 1), firstAfter = RunMetrics.firstStep(metrics, shrunk);
                assertTrue(lastBefore >= LOSE_AFTER_STEP && lastBefore - (firstAfter - 1) <= 1,
                        "the 2 replicas continued from the in-memory snapshots of the 3: last step before " + lastBefore + ", first after " + firstAfter);
                assertTrue(Files.exists(run.resolve("model.safetensors")));
            } finally {
                spark.stop();
            }
        }
    }

    /** Writes to both streams. */
    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream a, b;

        TeeOutputStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
