package io.ringtrain.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.api.Objective;
import io.ringtrain.jobs.api.RingTrain;
import io.ringtrain.jobs.api.TrainedModel;
import io.ringtrain.jobs.cli.RingtrainCli;
import io.ringtrain.jobs.data.DataSource;
import io.ringtrain.jobs.evaluate.EvaluateJob;
import io.ringtrain.jobs.ml.RingtrainClassificationModel;
import io.ringtrain.jobs.ml.RingtrainClassifier;
import io.ringtrain.jobs.models.ModelRecipe;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.models.SavedTextModel;
import io.ringtrain.jobs.models.usernets.HalfCrossEntropy;
import io.ringtrain.jobs.models.usernets.TinyNet;
import io.ringtrain.jobs.testing.TestData;
import io.ringtrain.trainer.loop.ClassificationObjective;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's own model end to end on real Spark, the three ways: the command line ({@code --model-class}
 * and a YAML {@code --model-spec}), the Java API ({@link RingTrain}) and the Spark ML estimator
 * ({@code modelFactory}). Each trains one epoch on the bundled sample, then the saved model is
 * evaluated and predicted with, rebuilt from what it recorded. One Spark session throughout (the
 * command line reuses the active one).
 */
class OwnModelIT {
    private record Result(int code, String out, String err) {}

    @Test
    void aModelClassAndAModelSpecTrainThenEvaluateAndPredictFromTheRunFolder(@TempDir Path tmp) throws Exception {
        Path spec = Files.writeString(tmp.resolve("net.yaml"), """
                layers:
                  - {type: conv2d, out_channels: 4, kernel_size: 3, padding: 1}
                  - {type: relu}
                  - {type: maxpool2d, kernel_size: 2}
                  - {type: flatten}
                  - {type: linear, out_features: 10}
                """);
        // the class also trains with the user's loss class: half the cross-entropy, which evaluate then reports
        for (List<String> model : List.of(List.of("--model-class", TinyNet.class.getName(), "--loss-class", HalfCrossEntropy.class.getName()),
                List.of("--model-spec", spec.toString()))) {
            String run = tmp.resolve("run-" + model.get(0).substring(2)).toString();
            List<String> args = new java.util.ArrayList<>(List.of("train", "--master", "local[2]", "--data", TestData.bundledSample().toString(),
                    "--epochs", "1", "--batch-size", "64", "--max-attempts", "1", "--run-dir", run));
            args.addAll(model);
            Result train = run(args.toArray(new String[0]));
            assertEquals(0, train.code, model + ": " + train.err);
            assertTrue(train.out.contains("test accuracy: "), train.out);

            SavedModel saved = SavedModel.fromRunFolder(run, new Configuration());
            String expected = model.get(0).equals("--model-class") ? TinyNet.class.getName() : ModelRecipe.SPEC_LABEL;
            assertEquals(expected, saved.name(), "the weights record the model");
            assertTrue(saved.mean() != null, "and the normalisation");

            Result eval = run("evaluate", "--master", "local[2]", "--run-dir", run, "--data", TestData.bundledSample().toString());
            assertEquals(0, eval.code, model + ": " + eval.err);
            double accuracy = new ObjectMapper().readTree(Path.of(run, "evaluation.json").toFile()).path("accuracy").asDouble();
            double trained = new ObjectMapper().readTree(Path.of(run, "summary.json").toFile()).path("test_accuracy").asDouble();
            assertEquals(trained, accuracy, 1e-9, model + ": evaluate rebuilds the model the job trained and tested");
            assertTrue(accuracy > 0.5, model + ": one epoch learns something: " + accuracy);
            var evaluation = new ObjectMapper().readTree(Path.of(run, "evaluation.json").toFile());
            double testLoss = new ObjectMapper().readTree(Path.of(run, "summary.json").toFile()).path("test_loss").asDouble();
            assertEquals(model.contains("--loss-class") ? HalfCrossEntropy.class.getName() : "cross-entropy", evaluation.path("loss").asText(), eval.out);
            assertEquals(testLoss, evaluation.path("mean_loss").asDouble(), 1e-5 * testLoss, model + ": evaluate reports the loss the run trained and tested with");

            String out = tmp.resolve("predictions-" + model.get(0).substring(2) + ".csv").toString();
            Result predict = run("predict", "--master", "local[2]", "--run-dir", run, "--data", TestData.bundledSample().toString(), "--out", out);
            assertEquals(0, predict.code, model + ": " + predict.err);
            assertTrue(predict.out.contains("predictions: "), predict.out);
        }
    }

    @Test
    void aModelFactoryTrainsThroughTheJavaApiAndTheSparkMlEstimatorAndTheirModelsReload(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkFixtures.localSpark("OwnModelIT");
        Dataset<Row> train = SparkFixtures.sample(spark, true, 640, 2);
        Dataset<Row> test = SparkFixtures.sample(spark, false, 200, 2);

        TrainedModel trained = RingTrain.train(spark).model(TinyNet::new).data(train).testData(test)
                .epochs(1).replicas(2).batchSize(16).runDir(tmp.resolve("api-run").toString()).quiet().fit();
        assertEquals(TinyNet.class.getName() + "::new", trained.model().name());
        assertTrue(trained.testAccuracy() > 0.3, "one epoch learns something: " + trained.testAccuracy());
        Result eval = run("evaluate", "--run-dir", trained.runDir(), "--data", TestData.bundledSample().toString());
        assertEquals(0, eval.code, eval.err);
        Result predict = run("predict", "--run-dir", trained.runDir(), "--data", TestData.bundledSample().toString(),
                "--out", tmp.resolve("api-predictions.csv").toString());
        assertEquals(0, predict.code, predict.err);

        RingtrainClassifier estimator = new RingtrainClassifier().setModelFactory(TinyNet::new).setLossFunction(new HalfCrossEntropy())
                .setReplicas(2).setEpochs(1).setBatchSize(16)
                .setRunDir(tmp.resolve("ml-runs").toString()).setQuiet(true);
        estimator.write().save(tmp.resolve("ml-estimator").toString());
        RingtrainClassifier reloadedEstimator = RingtrainClassifier.load(tmp.resolve("ml-estimator").toString());
        assertTrue(reloadedEstimator.getOrDefault(reloadedEstimator.modelFactory()).create(new int[] {1, 28, 28}, 10) instanceof TinyNet,
                "the factory param survives ML persistence");
        assertTrue(reloadedEstimator.getOrDefault(reloadedEstimator.lossFunction()) instanceof HalfCrossEntropy, "and so does the loss param");
        RingtrainClassificationModel fitted = reloadedEstimator.fit(train);
        assertEquals(TinyNet.class.getName() + "::new", fitted.savedModel().name());
        String path = tmp.resolve("ml-model").toString();
        fitted.write().save(path);
        RingtrainClassificationModel loaded = RingtrainClassificationModel.load(path);
        List<Row> before = fitted.transform(test).select("id", "prediction").orderBy("id").collectAsList();
        List<Row> after = loaded.transform(test).select("id", "prediction").orderBy("id").collectAsList();
        assertEquals(200, before.size());
        assertEquals(before, after, "the reloaded model rebuilds the user's model with its weights");
        assertEquals(HalfCrossEntropy.class.getName(), EvaluateJob.run(spark, loaded.savedModel(), test, "test", 64, System.out).lossName(),
                "the reloaded model's provenance keeps the loss it was fitted with, and its evaluation reports it");

        // a DataSource the job reads itself (the IDX sample and its test split) and the user's own loss: half the cross-entropy
        TrainedModel ownLoss = RingTrain.train(spark).model(TinyNet::new).data(DataSource.of(TestData.bundledSample().toString(), "idx"))
                .objective(Objective.loss((logits, batch) -> new ClassificationObjective().lossSum(logits, batch).mul(0.5f)))
                .epochs(1).replicas(2).batchSize(16).runDir(tmp.resolve("loss-run").toString()).quiet().fit();
        assertTrue(ownLoss.testAccuracy() > 0.3, "one epoch learns something: " + ownLoss.testAccuracy());
        Result evalOwnLoss = run("evaluate", "--run-dir", ownLoss.runDir(), "--data", TestData.bundledSample().toString());
        assertEquals(0, evalOwnLoss.code, evalOwnLoss.err);
        var ownLossEvaluation = new ObjectMapper().readTree(Path.of(ownLoss.runDir(), "evaluation.json").toFile());
        assertEquals(ownLoss.testLoss(), ownLossEvaluation.path("mean_loss").asDouble(), 1e-5 * ownLoss.testLoss(),
                "evaluate reports the user's loss, as the run's test loss over the same test split is");
        assertTrue(ownLossEvaluation.path("loss").asText().startsWith(OwnModelIT.class.getName()), "and names it: " + ownLossEvaluation.path("loss"));

        // per-token: a text model on a text file
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat. ".repeat(200));
        TrainedModel perToken = RingTrain.train(spark).model("char-lstm").data(DataSource.of(text.toString(), "text")).objective(Objective.perToken())
                .configure(c -> {
                    c.text.seqLen = 16;
                    c.text.hiddenSize = 32;
                    c.text.sampleLength = 0;
                }).epochs(1).replicas(2).batchSize(8).runDir(tmp.resolve("text-run").toString()).quiet().fit();
        assertEquals(null, perToken.model(), "a text model is no SavedModel");
        SavedTextModel lm = SavedTextModel.fromRunFolder(perToken.runDir(), new Configuration());
        assertTrue(lm.isLanguageModel());
        assertTrue(perToken.testLoss() < Math.log(lm.vocabulary().size()), "better than uniform over the vocabulary: " + perToken.testLoss() + " nats/char");
    }

    /** Runs a command line, capturing what it prints (commands print results on System.out). */
    private static Result run(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int code;
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            CommandLine cli = RingtrainCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            code = cli.execute(args);
        } finally {
            System.setOut(saved);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }
}
