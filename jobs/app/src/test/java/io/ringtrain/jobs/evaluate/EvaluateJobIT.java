package io.ringtrain.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.SparkFixtures;
import io.ringtrain.jobs.cli.RingtrainCli;
import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.data.Normalization;
import io.ringtrain.jobs.data.RecordSamples;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.loop.ClassificationObjective;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Evaluation of a model trained by a short TrainJob run, on 200 test images over 3 partitions. */
class EvaluateJobIT {
    static final int TEST_SAMPLES = 200;
    static SparkSession spark;
    static Dataset<Row> train;
    static Dataset<Row> test;
    static String runDir;
    static SavedModel saved;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void trainModel() {
        spark = SparkFixtures.localSpark("EvaluateJobIT");
        train = SparkFixtures.sample(spark, true, 320, 2);
        test = SparkFixtures.sample(spark, false, TEST_SAMPLES, 3);
        runDir = SparkFixtures.trainMlp(spark, train, tmp.resolve("run"));
        saved = SavedModel.fromRunFolder(runDir, spark.sparkContext().hadoopConfiguration());
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    @Test
    void confusionMatrixCountsEverySampleOnceAndAccuracyIsItsTrace() {
        Evaluation e = EvaluateJob.run(spark, saved, test, "test", 64, quiet());

        long[][] cm = e.confusionMatrix();
        long total = 0, trace = 0;
        for (int a = 0; a < cm.length; a++) {
            trace += cm[a][a];
            for (long c : cm[a]) total += c;
        }
        assertEquals(10, cm.length);
        assertEquals(TEST_SAMPLES, total);
        assertEquals(TEST_SAMPLES, e.count());
        assertEquals((double) trace / total, e.accuracy(), 0.0);
        for (int k = 0; k < 10; k++) {
            assertEquals(e.support(k) == 0 ? 0 : (double) cm[k][k] / e.support(k), e.recall(k), 0.0, "recall of class " + k);
            assertTrue(e.f1(k) <= Math.max(e.precision(k), e.recall(k)) + 1e-12, "F1 lies between precision and recall for class " + k);
        }
    }

    @Test
    void distributedMetricsEqualASingleThreadedPassOverTheSameModelAndData() {
        Evaluation e = EvaluateJob.run(spark, saved, test, "test", 32, quiet());

        // Reference: one forward pass over all records in this thread, loss from the trainer's objective.
        List<ImageRecord> records = new ArrayList<>();
        for (Row r : DatasetColumns.select(test).collectAsList()) records.add(DatasetColumns.toRecord(r));
        Module model = saved.instantiate();
        RecordSamples samples = new RecordSamples(records, saved.inputShape(), saved.mean(), saved.std(), null);
        int[] all = new int[records.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        Batch batch = Batch.gather(samples, all, 0);
        long[][] expected = new long[10][10];
        double lossSum;
        try (var scope = GradMode.noGrad()) {
            Tensor logits = model.forward(batch.inputs());
            int[] predicted = logits.argmaxLastDim();
            for (int i = 0; i < all.length; i++) expected[records.get(i).label()][predicted[i]]++;
            lossSum = new ClassificationObjective().lossSum(logits, batch).item();
        }

        for (int a = 0; a < 10; a++) assertArrayEquals(expected[a], e.confusionMatrix()[a], "confusion row " + a);
        // float32 sum of 200 losses (reference) vs float64 (evaluator): relative 1e-5 covers the rounding
        assertEquals(lossSum / all.length, e.meanLoss(), 1e-5 * Math.abs(lossSum / all.length));
    }

    @Test
    void reproducesTheTrainingJobsOwnFinalTestMetricsForASingleReplica() throws Exception {
        // One replica evaluates the whole test set with the final weights, as evaluate does. (With
        // several replicas the trainer's figure covers only part of the test set: see the report.)
        io.ringtrain.jobs.train.TrainJobConfig c = new io.ringtrain.jobs.train.TrainJobConfig();
        c.model.name = "mlp";
        c.replicas = 1;
        c.epochs = 1;
        c.batchSize = 32;
        c.input.data = "fashion-mnist-sample (first 320)";
        c.runDir = tmp.resolve("single").toString();
        io.ringtrain.jobs.train.TrainJob.Summary summary = io.ringtrain.jobs.train.TrainJob.run(spark, c, train, test, quiet());
        SavedModel single = SavedModel.fromRunFolder(c.runDir, spark.sparkContext().hadoopConfiguration());

        Evaluation e = EvaluateJob.run(spark, single, test, "test", 64, quiet());

        assertEquals(summary.testAccuracy(), e.accuracy(), 0.0, "same samples, same weights: the same correct count");
        double trainerLoss = new ObjectMapper().readTree(summary.json()).path("test_loss").asDouble();
        // the trainer sums float32 losses per batch; evaluate sums float64 per sample
        assertEquals(trainerLoss, e.meanLoss(), 1e-5 * trainerLoss);
    }

    @Test
    void retrainingScoresAVersionWithExactlyTheFiguresOfEvaluate() {
        Evaluation e = EvaluateJob.run(spark, saved, test, "test", 128, quiet()); // retraining's batch size: the same batches, the same logits
        io.ringtrain.trainer.loop.EvalResult retrain = io.ringtrain.jobs.retrain.ModelEvaluation.evaluate(test, saved.toSafetensors(), "the run's weights", "test");

        // one evaluation path: the same sums in the same order, so equal to the last bit
        assertEquals(e.count(), retrain.count());
        assertEquals(e.accuracy(), retrain.accuracy(), 0.0);
        assertEquals(e.meanLoss(), retrain.loss(), 0.0);
    }

    @Test
    void theModelStoresTheNormalisationItWasTrainedWith() {
        float[][] stats = Normalization.compute(train, 1);
        assertArrayEquals(stats[0], saved.mean(), 0f);
        assertArrayEquals(stats[1], saved.std(), 0f);
        assertArrayEquals(new int[] {1, 28, 28}, saved.inputShape());
        assertEquals(10, saved.numClasses());
        assertEquals("mlp", saved.name());
    }

    @Test
    void weightsWithoutStoredNormalisationGetItComputedFromTheDataWithAWarning() throws Exception {
        Map<String, Tensor> state = SafeTensors.read(new java.io.ByteArrayInputStream(saved.safetensorsBytes()), "model").tensors();
        Path bare = tmp.resolve("bare.safetensors");
        SafeTensors.write(bare, state, Map.of());
        SavedModel weightsOnly = SavedModel.fromFile(bare.toString(), "mlp", null, null, spark.sparkContext().hadoopConfiguration());
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        Evaluation e = EvaluateJob.run(spark, weightsOnly, test, "test", 64, new PrintStream(console, true));

        assertEquals(TEST_SAMPLES, e.count());
        assertTrue(console.toString().contains("stores no normalisation"), console.toString());
        JsonNode json = new ObjectMapper().readTree(e.toJson());
        assertEquals(EvaluateJob.COMPUTED, json.path("normalization").path("source").asText());
        float[][] stats = Normalization.compute(test, 1);
        assertEquals(stats[0][0], (float) json.path("normalization").path("mean").get(0).asDouble(), 0f);
    }

    @Test
    void writesEvaluationJsonAndHtmlIntoTheRunFolder() throws Exception {
        Evaluation e = EvaluateJob.run(spark, saved, test, "test", 64, quiet());
        EvaluateJob.write(spark, e, runDir);

        JsonNode json = new ObjectMapper().readTree(Files.readString(Path.of(runDir, "evaluation.json")));
        assertEquals(e.accuracy(), json.path("accuracy").asDouble(), 0.0);
        assertEquals(TEST_SAMPLES, json.path("count").asLong());
        assertEquals(10, json.path("confusion_matrix").size());
        assertEquals(10, json.path("classes").size());
        assertEquals(EvaluateJob.STORED, json.path("normalization").path("source").asText());
        String html = Files.readString(Path.of(runDir, "evaluation.html"));
        assertTrue(html.contains("<table class=\"cm\">") && html.contains("<svg"), "confusion table and per-class chart");
        try (var files = Files.list(Path.of(runDir))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary file left behind");
        }
    }

    @Test
    void evaluateCommandWritesTheReportForARunFolder() throws Exception {
        Path out = tmp.resolve("cli-eval");
        int code = RingtrainCli.execute("evaluate", "--run-dir", runDir, "--data", SparkFixtures.fashionMnistSample(), "--out", out.toString());

        assertEquals(0, code);
        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("evaluation.json")));
        assertEquals(1000, json.path("count").asLong(), "the sample's whole test split");
        assertNotNull(json.get("accuracy"));
        assertTrue(Files.exists(out.resolve("evaluation.html")));
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
