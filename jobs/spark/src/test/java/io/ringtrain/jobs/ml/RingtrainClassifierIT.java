package io.ringtrain.jobs.ml;

import io.ringtrain.jobs.SparkFixtures;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark ML API, with Spark's own evaluator, tuning and pipelines, over short distributed training runs (mlp, 2 replicas, 1 epoch on 320 images). */
class RingtrainClassifierIT {
    static SparkSession spark;
    static Dataset<Row> train;
    static Dataset<Row> test;
    static RingtrainClassifier classifier;
    static RingtrainClassificationModel fitted;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void fit() {
        spark = SparkFixtures.localSpark("RingtrainClassifierIT");
        train = SparkFixtures.sample(spark, true, 320, 2);
        test = SparkFixtures.sample(spark, false, 100, 2);
        classifier = new RingtrainClassifier().setModel("mlp").setReplicas(2).setEpochs(1).setBatchSize(16).setLr(0.05).setSeed(3)
                .setRunDir(tmp.resolve("runs").toString()).setQuiet(true)
                .setGradientCompression("bf16"); // the gradients of the fit travel as bfloat16
        fitted = classifier.fit(train);
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    @Test
    void fitTrainsTheParamsModelAndTransformAppendsPredictions() {
        Dataset<Row> out = fitted.transform(test);

        assertEquals("mlp", fitted.savedModel().name());
        assertEquals(classifier.uid(), fitted.uid());
        assertEquals(classifier, fitted.parent());
        assertEquals(100, out.count());
        assertEquals(out.schema(), fitted.transformSchema(test.schema()), "transformSchema describes transform's output");
        assertTrue(fitted.savedModel().mean() != null, "the trained model carries its normalisation");
    }

    @Test
    void transformWritesSparkMlClassifierColumnsAndTypes() {
        Dataset<Row> out = fitted.transform(test);

        StructType schema = out.schema();
        assertEquals(DataTypes.DoubleType, schema.apply("prediction").dataType());
        assertEquals(SQLDataTypes.VectorType(), schema.apply("probability").dataType());
        assertEquals(SQLDataTypes.VectorType(), schema.apply("rawPrediction").dataType());
        for (Row r : out.select("prediction", "probability", "rawPrediction").collectAsList()) {
            Vector probability = r.getAs(1), raw = r.getAs(2);
            assertEquals(10, probability.size());
            assertEquals(10, raw.size());
            assertEquals(1.0, java.util.Arrays.stream(probability.toArray()).sum(), 1e-5, "probabilities sum to one");
            assertEquals(raw.argmax(), (int) r.getDouble(0), "prediction = arg-max of the logits");
            assertEquals(raw.argmax(), probability.argmax(), "probability is the softmax of rawPrediction");
        }
    }

    @Test
    void multiclassEvaluatorScoresTheModelsOutputAboveChance() {
        Dataset<Row> out = fitted.transform(test);

        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(out);
        double f1 = new MulticlassClassificationEvaluator().setMetricName("f1").evaluate(out);

        assertTrue(accuracy > 0.2 && accuracy <= 1.0, "accuracy " + accuracy + ": 10 classes, chance is 0.1");
        assertTrue(f1 > 0.1 && f1 <= 1.0, "weighted F1 " + f1);
    }

    @Test
    void crossValidatorSearchesAGridOverTheLearningRateAndItsBestModelPredicts() {
        RingtrainClassifier estimator = classifier.copy(new ParamMap());
        ParamMap[] grid = new ParamGridBuilder().addGrid(estimator.lr(), new double[] {0.05, 1e-6}).build();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        CrossValidator cv = new CrossValidator().setEstimator(estimator).setEstimatorParamMaps(grid).setEvaluator(accuracy).setNumFolds(2).setSeed(5);

        CrossValidatorModel best = cv.fit(train);

        double[] metrics = best.avgMetrics();
        assertEquals(2, metrics.length);
        for (double m : metrics) assertTrue(m >= 0 && m <= 1, "accuracy " + m);
        assertTrue(metrics[0] > metrics[1], "lr 0.05 learns, lr 1e-6 barely moves: " + java.util.Arrays.toString(metrics));
        RingtrainClassificationModel model = (RingtrainClassificationModel) best.bestModel();
        assertEquals(0.05, (Double) ((RingtrainClassifier) model.parent()).getOrDefault(estimator.lr()), 0.0, "the best model is refitted with the best lr");
        double onTest = accuracy.evaluate(best.transform(test));
        assertTrue(onTest > 0.2, "the best model's test accuracy " + onTest + " beats chance (0.1)");
    }

    @Test
    void savedAndLoadedModelPredictsExactlyTheSame() throws Exception {
        String path = tmp.resolve("model").toString();
        fitted.setPredictionCol("cls").save(path);

        RingtrainClassificationModel loaded = RingtrainClassificationModel.load(path);

        assertEquals(fitted.uid(), loaded.uid());
        assertEquals("cls", loaded.getPredictionCol(), "params survive the round trip");
        Map<Long, Row> before = byId(fitted.transform(test)), after = byId(loaded.transform(test));
        assertEquals(before.keySet(), after.keySet());
        for (long id : before.keySet()) {
            assertEquals(before.get(id).getDouble(before.get(id).fieldIndex("cls")), after.get(id).getDouble(after.get(id).fieldIndex("cls")), "id " + id);
            assertEquals(before.get(id).<Vector>getAs("probability"), after.get(id).<Vector>getAs("probability"), "probabilities of id " + id + " bit for bit");
            assertEquals(before.get(id).<Vector>getAs("rawPrediction"), after.get(id).<Vector>getAs("rawPrediction"), "logits of id " + id + " bit for bit");
        }
        fitted.setPredictionCol("prediction");
    }

    @Test
    void estimatorParamsSurviveSaveAndLoad() throws Exception {
        String path = tmp.resolve("estimator").toString();
        classifier.save(path);

        RingtrainClassifier loaded = RingtrainClassifier.load(path);

        assertEquals(classifier.uid(), loaded.uid());
        assertEquals(classifier.toConfig("x").model.name, loaded.toConfig("x").model.name);
        assertEquals(classifier.toConfig("x").seed, loaded.toConfig("x").seed);
        assertEquals(classifier.toConfig("x").optimization.lr, loaded.toConfig("x").optimization.lr, 0.0);
        assertEquals(classifier.toConfig("x").batchSize, loaded.toConfig("x").batchSize);
        assertArrayEquals(classifier.toConfig("x").input.inputShape, loaded.toConfig("x").input.inputShape);
        assertEquals(classifier.getRunDir(), loaded.getRunDir());
        assertEquals(io.ringtrain.jobs.train.GradientCompression.BF16, loaded.toConfig("x").gradientCompression);
        assertEquals(classifier.toConfig("x").syncBatchNorm, loaded.toConfig("x").syncBatchNorm);
    }

    @Test
    void worksAsAPipelineStageAndThePipelineModelLoadsBack() throws Exception {
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {classifier.copy(classifier.extractParamMap()).setEpochs(1)}).fit(train);
        String path = tmp.resolve("pipeline").toString();
        pipeline.save(path);

        PipelineModel loaded = PipelineModel.load(path);

        List<Row> a = pipeline.transform(test).select("id", "prediction").orderBy("id").collectAsList();
        List<Row> b = loaded.transform(test).select("id", "prediction").orderBy("id").collectAsList();
        assertEquals(a, b);
    }

    @Test
    void fitNamesTheMissingColumnOfAForeignDataFrame() {
        var e = assertThrows(IllegalArgumentException.class, () -> classifier.fit(test.select("id", "image")));
        assertTrue(e.getMessage().contains("'label'"), e.getMessage());
    }

    private static Map<Long, Row> byId(Dataset<Row> df) {
        Map<Long, Row> out = new HashMap<>();
        for (Row r : df.collectAsList()) out.put(r.getLong(0), r);
        return out;
    }
}
