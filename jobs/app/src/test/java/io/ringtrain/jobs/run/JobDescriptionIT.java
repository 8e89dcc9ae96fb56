package io.ringtrain.jobs.run;

import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.jobs.SparkFixtures;
import io.ringtrain.jobs.cli.RingtrainCli;
import io.ringtrain.jobs.evaluate.EvaluateJob;
import io.ringtrain.jobs.ml.RingtrainClassificationModel;
import io.ringtrain.jobs.ml.RingtrainClassifier;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.retrain.ExampleDataset;
import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every Spark job that training, evaluation, prediction, data sources and ML persistence start shows a ringtrain description in the UI. */
class JobDescriptionIT {
    static SparkSession spark;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkFixtures.localSpark("JobDescriptionIT");
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    /** Each started job as "job N (call site): description" ("null" when it has none). */
    static final class StartedJobs extends SparkListener {
        final List<String> jobs = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            String description = start.properties() == null ? null : start.properties().getProperty(JobDescription.PROPERTY);
            String callSite = start.stageInfos().isEmpty() ? "?" : start.stageInfos().head().name();
            jobs.add("job " + start.jobId() + " (" + callSite + "): " + description);
        }
    }

    @Test
    void everyJobOfTrainEvaluatePredictParquetAndModelPersistenceHasADescription() throws Exception {
        Dataset<Row> train = SparkFixtures.sample(spark, true, 320, 2);
        Dataset<Row> test = SparkFixtures.sample(spark, false, 100, 2);
        TrainJobConfig c = mlp(tmp.resolve("run"));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        SparkContext sc = spark.sparkContext();
        StartedJobs listener = new StartedJobs();
        sc.addSparkListener(listener);
        try {
            TrainJob.run(spark, c, train, test, quiet); // label check, normalisation, training
            TrainJobConfig skipping = mlp(tmp.resolve("run-skip"));
            skipping.input.onBadRecord = io.ringtrain.jobs.train.BadRecordPolicy.SKIP; // bad-record check instead of the label check
            TrainJob.run(spark, skipping, train, test, quiet);
            SavedModel saved = SavedModel.fromRunFolder(c.runDir, sc.hadoopConfiguration());
            EvaluateJob.run(spark, saved, test, "100 test images", 64, quiet);
            Path bare = tmp.resolve("bare.safetensors"); // weights without a stored normalisation: evaluate computes it
            SafeTensors.write(bare, SafeTensors.read(new ByteArrayInputStream(saved.safetensorsBytes()), "model").tensors(), Map.of());
            EvaluateJob.run(spark, SavedModel.fromFile(bare.toString(), "mlp", null, null, sc.hadoopConfiguration()), test, "100 test images", 64, quiet);
            assertEquals(0, RingtrainCli.execute("predict", "--run-dir", c.runDir, "--data", SparkFixtures.fashionMnistSample(),
                    "--out", tmp.resolve("predictions").toString()));
            String parquet = tmp.resolve("example").toString();
            ExampleDataset.write(spark, SparkFixtures.fashionMnistSample(), parquet, LocalDate.of(2026, 1, 1), 1, 20, 20);
            assertEquals(0, RingtrainCli.execute("predict", "--run-dir", c.runDir, "--data", parquet + "/holdout", "--format", "parquet",
                    "--out", tmp.resolve("parquet-predictions").toString()));
            String modelPath = tmp.resolve("ml-model").toString();
            new RingtrainClassificationModel("ringtrainClassifier_test", saved).save(modelPath);
            RingtrainClassificationModel.load(modelPath);
            String estimatorPath = tmp.resolve("ml-estimator").toString();
            new RingtrainClassifier().save(estimatorPath);
            RingtrainClassifier.load(estimatorPath);
        } finally {
            sc.listenerBus().waitUntilEmpty(); // deliver every job-start event before reading the list
            sc.removeSparkListener(listener);
        }

        List<String> jobs = new ArrayList<>(listener.jobs);
        assertTrue(jobs.size() >= 12, "label check, normalisation, training, bad-record check, two evaluations and a normalisation, example data, two predictions: " + jobs);
        for (String job : jobs) assertTrue(job.contains(": ringtrain"), "a job without a ringtrain description: " + job + " (all: " + jobs + ")");
        assertNull(sc.getLocalProperty(JobDescription.PROPERTY), "no description is left behind for the caller's own jobs");
    }

    static TrainJobConfig mlp(Path runDir) {
        TrainJobConfig c = new TrainJobConfig();
        c.model.name = "mlp";
        c.replicas = 2;
        c.epochs = 1;
        c.batchSize = 32;
        c.input.data = "fashion-mnist-sample (320 training images)";
        c.runDir = runDir.toString();
        return c;
    }

    @Test
    void closingANestedDescriptionRestoresTheOuterOne() {
        SparkContext sc = spark.sparkContext();
        try (var outer = JobDescription.open(sc, "ringtrain train: outer")) {
            try (var inner = JobDescription.open(sc, "ringtrain train: inner")) {
                assertEquals("ringtrain train: inner", sc.getLocalProperty(JobDescription.PROPERTY));
            }
            assertEquals("ringtrain train: outer", sc.getLocalProperty(JobDescription.PROPERTY));
        }
        assertNull(sc.getLocalProperty(JobDescription.PROPERTY));
    }
}
