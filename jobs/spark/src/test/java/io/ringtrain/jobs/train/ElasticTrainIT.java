package io.ringtrain.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.testing.LocalSpark;
import io.ringtrain.jobs.testing.TestData;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Elastic replicas on real Spark ({@code local[3]}, barrier tasks joined by real rings): a run that
 * loses a replica mid-epoch, goes on with 2 and grows back to 3 at the epoch boundary, and a run
 * that starts with 2 of 3, train the weights of an uninterrupted 3-replica run with the same global
 * batch, within the equivalence tests' tolerance. The cluster's slot count is the test's (a local
 * master's never changes); the lost replica is a task that throws.
 */
class ElasticTrainIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Training forwards of a 32-sample batch left until one throws; 0: never. */
    static final AtomicInteger FORWARDS_UNTIL_FAULT = new AtomicInteger();
    /** Set when the fault fires: the next slot count the job asks for is one short. */
    static final AtomicBoolean SLOT_LOST = new AtomicBoolean();
    private static SparkSession spark;
    @TempDir
    static Path shared;

    /** A linear classifier (no dropout, no BatchNorm) that throws once, in training, when the test arms it. */
    public static class FaultyNet extends Module {
        private final Flatten flatten = registerModule("flatten", new Flatten());
        private final Linear fc;

        public FaultyNet(int[] inputShape, int numClasses) {
            fc = registerModule("fc", new Linear(inputShape[0] * inputShape[1] * inputShape[2], numClasses));
        }

        @Override
        public Tensor forward(Tensor input) {
            if (isTraining() && input.shape()[0] == 32 && FORWARDS_UNTIL_FAULT.get() > 0 && FORWARDS_UNTIL_FAULT.decrementAndGet() == 0) {
                SLOT_LOST.set(true);
                throw new IllegalStateException("injected fault: this replica's executor is lost");
            }
            return fc.forward(flatten.forward(input));
        }
    }

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.start(3);
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) spark.stop();
        spark = null;
    }

    private static TrainJobConfig config(Path data, Path runDir) {
        TrainJobConfig c = new TrainJobConfig();
        c.input.data = data.toString();
        c.runDir = runDir.toString();
        c.model.modelClass = FaultyNet.class.getName();
        c.replicas = 3;
        c.batchSize = 32; // global batch 96: 14 steps an epoch on 1250 samples, the last of 2
        c.epochs = 2;
        c.seed = 7;
        c.input.mean = new float[] {0.2860f};
        c.input.std = new float[] {0.3530f};
        c.recovery.checkpointEverySteps = 4;
        c.recovery.collectiveTimeoutSeconds = 20;
        c.recovery.maxAttempts = 2;
        return c;
    }

    private static Path data() throws Exception {
        Path data = shared.resolve("data");
        if (!Files.exists(data)) TestData.idxSubset(TestData.bundledSample(), data, 1250, 200);
        return data;
    }

    private static TrainJob.Summary train(TrainJobConfig c, java.util.function.IntSupplier slots, PrintStream console) {
        return TrainJob.run(spark, c, DataSources.idxFolder(spark, c.input.data, true), DataSources.idxFolder(spark, c.input.data, false), console, slots);
    }

    /** The uninterrupted run: 3 replicas of 32 throughout. */
    private static synchronized Map<String, Tensor> uninterrupted() throws Exception {
        Path run = shared.resolve("uninterrupted");
        if (!Files.exists(run.resolve("model.safetensors"))) {
            FORWARDS_UNTIL_FAULT.set(0);
            TrainJob.Summary summary = train(config(data(), run), () -> 3, System.out);
            assertEquals(3, JSON.readTree(summary.json()).path("replicas").asInt(), summary.json());
        }
        return SafeTensors.read(run.resolve("model.safetensors")).tensors();
    }

    private static void assertSameWeights(Map<String, Tensor> expected, Path run) throws Exception {
        Map<String, Tensor> actual = SafeTensors.read(run.resolve("model.safetensors")).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, t) -> TrainJobLocalIT.assertRelativelyClose(name, t.toArray(), actual.get(name).toArray()));
    }

    private static List<JsonNode> metrics(Path run, String type) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.path("type").asText().equals(type)) out.add(n);
        }
        return out;
    }

    @Test
    void aRunThatShrinksFromThreeToTwoAndGrowsBackTrainsTheWeightsOfAnUninterruptedRun() throws Exception {
        Map<String, Tensor> expected = uninterrupted();
        Path run = shared.resolve("elastic");
        TrainJobConfig c = config(data(), run);
        c.recovery.minReplicas = 2;
        c.recovery.elasticWaitSeconds = 0;
        c.recovery.elasticGrow = true;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        FORWARDS_UNTIL_FAULT.set(3 * 6 + 2); // in step 7 of 14, after the checkpoint at step 4
        SLOT_LOST.set(false);

        TrainJob.Summary summary = train(c, () -> SLOT_LOST.getAndSet(false) ? 2 : 3, new PrintStream(printed, true, StandardCharsets.UTF_8));

        String console = printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, FORWARDS_UNTIL_FAULT.get(), "the fault fired");
        assertSameWeights(expected, run);
        List<JsonNode> changes = metrics(run, "replicas");
        assertEquals(List.of("shrink", "grow"), changes.stream().map(n -> n.path("reason").asText()).toList(), changes.toString());
        assertEquals(2, changes.get(0).path("replicas").asInt());
        assertEquals(48, changes.get(0).path("per_replica_batch").asInt());
        assertEquals(3, changes.get(1).path("replicas").asInt());
        JsonNode result = JSON.readTree(summary.json());
        assertEquals(3, result.path("replicas").asInt(), summary.json());
        assertEquals(28, result.path("optimizer_steps").asInt(), summary.json());
        assertEquals(2, result.path("replica_changes").size(), summary.json());
        assertEquals(JSON.readTree(Files.readString(run.resolve("summary.json"))), result);
        assertTrue(console.contains("training with 2 of 3 replicas (48 samples each, global batch 96"), console);
        assertTrue(console.contains("2 of 3 replicas"), console);
        // Every step of the run is in metrics.jsonl, each attempt's from its resume point on.
        List<JsonNode> steps = metrics(run, "step");
        assertEquals(28, steps.get(steps.size() - 1).path("global_step").asInt());
        assertEquals(3, steps.get(steps.size() - 1).path("attempt").asInt(), "shrink and grow are attempts 2 and 3");
        assertEquals(15, steps.stream().filter(n -> n.path("attempt").asInt() == 3).findFirst().orElseThrow().path("global_step").asInt(),
                "the grown stage starts at the epoch boundary");
        assertEquals(7, steps.stream().filter(n -> n.path("attempt").asInt() == 2).findFirst().orElseThrow().path("global_step").asInt(),
                "the shrunk stage continues from the 3-replica in-memory snapshot of step 6, not from the checkpoint at step 4");
    }

    @Test
    void aRunThatStartsWithTwoOfThreeSlotsTrainsTheWeightsOfAnUninterruptedRun() throws Exception {
        Map<String, Tensor> expected = uninterrupted();
        Path run = shared.resolve("short");
        TrainJobConfig c = config(data(), run);
        c.recovery.minReplicas = 2;
        c.recovery.elasticWaitSeconds = 0;
        FORWARDS_UNTIL_FAULT.set(0);

        TrainJob.Summary summary = train(c, () -> 2, System.out);

        assertSameWeights(expected, run);
        JsonNode result = JSON.readTree(summary.json());
        assertEquals(2, result.path("replicas").asInt(), summary.json());
        assertEquals("start short", result.path("replica_changes").get(0).path("reason").asText(), summary.json());
        assertEquals(1, metrics(run, "replicas").size());
        assertEquals(1, summary.attempts());
    }
}
