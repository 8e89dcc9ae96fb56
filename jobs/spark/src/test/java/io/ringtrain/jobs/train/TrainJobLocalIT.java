package io.ringtrain.jobs.train;

import io.ringtrain.allreduce.LocalCommunicator;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.data.RecordSamples;
import io.ringtrain.jobs.testing.LocalSparkTest;
import io.ringtrain.jobs.testing.TestData;
import io.ringtrain.trainer.loop.ClassificationObjective;
import io.ringtrain.trainer.loop.Trainer;
import io.ringtrain.trainer.loop.TrainingResult;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The training job on real Spark in local mode: 2 replicas as barrier tasks joined by a real ring. */
class TrainJobLocalIT extends LocalSparkTest {
    static TrainJobConfig config(Path data, Path runDir) {
        TrainJobConfig c = new TrainJobConfig();
        c.input.data = data.toString();
        c.runDir = runDir.toString();
        c.replicas = 2;
        c.batchSize = 32;
        c.epochs = 1;
        c.seed = 7;
        c.input.mean = new float[] {0.2860f};
        c.input.std = new float[] {0.3530f};
        c.recovery.maxAttempts = 1;
        return c;
    }

    /**
     * The Spark layer adds nothing wrong: 2 replicas × batch 32 in barrier tasks train the weights
     * that one in-process replica with batch 64 trains on the same records (1 epoch, 20 steps, the
     * last one uneven). Tolerance: 1e-4 of each tensor's largest magnitude, as the trainer's
     * equivalence tests (float32 sums in a different order).
     */
    @Test
    void twoReplicasTrainTheWeightsOfTheSingleJvmTrainer(@TempDir Path tmp) throws Exception {
        Path data = TestData.idxSubset(TestData.bundledSample(), tmp.resolve("data"), 1250, 200);
        TrainJobConfig c = config(data, tmp.resolve("run"));
        TrainJob.Summary summary = TrainJob.run(spark, c, System.out);
        Map<String, Tensor> distributed = SafeTensors.read(tmp.resolve("run/model.safetensors")).tensors();

        List<ImageRecord> records = new ArrayList<>();
        for (Row row : DataSources.idxFolder(spark, data.toString(), true).collectAsList()) records.add(DatasetColumns.toRecord(row));
        records.sort(Comparator.comparingLong(ImageRecord::id));
        RecordSamples samples = new RecordSamples(records, c.input.inputShape, c.input.mean, c.input.std, null);
        TrainJobConfig single = config(data, tmp.resolve("single"));
        single.replicas = 1;
        single.batchSize = 64;
        try (LocalCommunicator comm = new LocalCommunicator()) {
            int steps = (records.size() + 63) / 64;
            TrainingSetup setup = TrainingSetup.of(single, comm, steps);
            TrainingResult result = Trainer.builder().setModel(setup.model()).setOptimizer(setup.optimizer()).setSchedule(setup.schedule())
                    .setObjective(new ClassificationObjective()).setCommunicator(comm).setConfig(setup.trainerConfig()).build()
                    .fit(samples, null);
            assertEquals(steps, result.optimizerSteps());
            Map<String, Tensor> expected = setup.model().stateDict();
            assertEquals(expected.keySet(), distributed.keySet());
            expected.forEach((name, t) -> assertRelativelyClose(name, t.toArray(), distributed.get(name).toArray()));
        }
        assertTrue(summary.testAccuracy() > 0.5, "a trained model, not noise: " + summary.json());
        for (String f : List.of("config.json", "metrics.jsonl", "summary.json", "report.html", "model.safetensors")) {
            assertTrue(Files.exists(tmp.resolve("run").resolve(f)), f + " in the run folder");
        }
        assertTrue(Files.readString(tmp.resolve("run/report.html")).contains("<svg"), "the report has charts");
    }

    /**
     * Issue 7's recipe: fmnist-cnn on the full Fashion-MNIST, 2 replicas × 32, 3 epochs, ≥ 90.5% test
     * accuracy. It is also issue 2's acceptance (the engine's recipe: SGD lr 0.05, momentum 0.9, weight
     * decay 5e-4, cosine per step to 0, batch 64, inputs normalised by the training mean/std, 3 epochs,
     * ≥ 90.5%), which the engine module checked in one process (FmnistCnnTrainingIT) until this run took
     * it over: 2 replicas × 32 train the weights of one replica with batch 64
     * ({@link #twoReplicasTrainTheWeightsOfTheSingleJvmTrainer}), so the one full training of the
     * suite goes through the engine, the trainer, the ring and Spark at once.
     *
     * <p>The run stops at the first epoch that reaches the target ({@code stopAtAccuracy}, the 3-epoch
     * schedule unchanged): the recipe's claim is 90.5% within 3 epochs, and an epoch more trains
     * nothing the claim needs. Run again, the finished run is reported complete without a replica.
     */
    @Test
    void twoReplicasReachTheAccuracyTargetOnFullFashionMnist(@TempDir Path tmp) throws Exception {
        TrainJobConfig c = config(TestData.fullFashionMnist(), tmp.resolve("run"));
        c.epochs = 3;
        c.stopAtAccuracy = 0.905;
        c.input.mean = null; // computed from the training set, as the recipe says
        c.input.std = null;
        TrainJob.Summary summary = TrainJob.run(spark, c, System.out);
        System.out.println("full Fashion-MNIST, 2 replicas: " + summary.json());
        assertTrue(summary.testAccuracy() >= 0.905, "test accuracy " + summary.testAccuracy() + " < 0.905: " + summary.json());
        long stepsPerEpoch = (60_000 + 63) / 64; // the full training split in global batches of 2 × 32
        assertEquals(Long.toString(summary.result().optimizerSteps() / stepsPerEpoch),
                SafeTensors.read(tmp.resolve("run/model.safetensors")).metadata().get("epochs"), "the model records the epochs it trained");

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TrainJob.Summary again = TrainJob.run(spark, c, new PrintStream(console, true, StandardCharsets.UTF_8));
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("is already complete at step " + summary.result().optimizerSteps()) && !printed.contains("starting 2 replicas"), printed);
        assertEquals(summary.result().optimizerSteps(), again.result().optimizerSteps());
        assertEquals(summary.testAccuracy(), again.testAccuracy());
    }

    /**
     * Before the first step the console says what the driver waits for (no long silence), and the
     * local run folder holds the run's files without Hadoop's .crc beside each.
     */
    @Test
    void theConsoleNamesEachPhaseBeforeTheFirstStepAndTheRunFolderHasNoChecksumFiles(@TempDir Path tmp) throws Exception {
        Path data = TestData.idxSubset(TestData.bundledSample(), tmp.resolve("data"), 256, 64);
        TrainJobConfig c = config(data, tmp.resolve("run"));
        c.input.mean = null; // computed, so the normalisation phase runs
        c.input.std = null;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TrainJob.run(spark, c, new PrintStream(console, true, StandardCharsets.UTF_8));
        List<String> lines = console.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> phases = List.of("reading " + data, "checking the labels…", "computing the normalisation", "normalisation: --mean ",
                "starting 2 replicas", "replicas ready", "epoch 1  step 1/");
        int previous = -1;
        for (String phase : phases) {
            int at = -1;
            for (int i = 0; i < lines.size() && at < 0; i++) if (lines.get(i).contains(phase)) at = i;
            assertTrue(at > previous, "'" + phase + "' after the phases before it in:\n" + String.join("\n", lines));
            previous = at;
        }
        try (Stream<Path> files = Files.walk(tmp.resolve("run"))) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crc")).toList());
        }
        assertTrue(Files.readString(tmp.resolve("run/report.html")).contains("<td>replicas</td><td class=\"value\">2</td>"),
                "the report lists the hyperparameters");
    }

    /**
     * A run extended by a second epoch keeps every line the first wrote (the new ones numbered as
     * the next attempt); rerunning the finished run changes nothing and says so; resuming it with
     * another number of replicas is refused, naming the setting.
     */
    @Test
    void aResumedRunKeepsItsMetricsAFinishedOneIsLeftAloneAndChangedSettingsAreRefused(@TempDir Path tmp) throws Exception {
        Path data = TestData.idxSubset(TestData.bundledSample(), tmp.resolve("data"), 256, 64);
        Path run = tmp.resolve("run");
        TrainJob.run(spark, config(data, run), System.out);
        String firstEpoch = Files.readString(run.resolve("metrics.jsonl"));
        assertTrue(firstEpoch.lines().allMatch(l -> l.contains("\"attempt\":1") && l.contains("\"time\":\"")), firstEpoch);

        TrainJobConfig twoEpochs = config(data, run);
        twoEpochs.epochs = 2;
        TrainJob.run(spark, twoEpochs, System.out);
        String both = Files.readString(run.resolve("metrics.jsonl"));
        assertTrue(both.startsWith(firstEpoch), "the first run's lines are kept:\n" + both);
        assertTrue(both.substring(firstEpoch.length()).lines().allMatch(l -> l.contains("\"attempt\":2")), both);
        assertTrue(both.contains("\"type\":\"epoch\",\"epoch\":2"), both);

        byte[] metrics = Files.readAllBytes(run.resolve("metrics.jsonl")), report = Files.readAllBytes(run.resolve("report.html"));
        byte[] model = Files.readAllBytes(run.resolve("model.safetensors"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TrainJob.Summary again = TrainJob.run(spark, twoEpochs, new PrintStream(console, true, StandardCharsets.UTF_8));
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("already complete at step " + 2 * (256 / (2 * 32))), console.toString(StandardCharsets.UTF_8));
        assertEquals(0, again.attempts(), "nothing was started");
        assertTrue(java.util.Arrays.equals(metrics, Files.readAllBytes(run.resolve("metrics.jsonl"))), "metrics.jsonl unchanged");
        assertTrue(java.util.Arrays.equals(report, Files.readAllBytes(run.resolve("report.html"))), "report.html unchanged");
        assertTrue(java.util.Arrays.equals(model, Files.readAllBytes(run.resolve("model.safetensors"))), "model unchanged");

        TrainJobConfig fewer = config(data, run);
        fewer.epochs = 3;
        fewer.replicas = 1;
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainJob.run(spark, fewer, System.out));
        assertTrue(refused.getMessage().contains("it was trained with --replicas 2, this run asks for 1"), refused.getMessage());
        assertTrue(java.util.Arrays.equals(metrics, Files.readAllBytes(run.resolve("metrics.jsonl"))), "a refused resume writes nothing");
    }

    static void assertRelativelyClose(String name, float[] expected, float[] actual) {
        double maxAbs = 1e-3;
        for (float v : expected) maxAbs = Math.max(maxAbs, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1e-4 * maxAbs) {
                fail(name + "[" + i + "] is " + actual[i] + " after distributed training but " + expected[i] + " in the single JVM");
            }
        }
    }
}
