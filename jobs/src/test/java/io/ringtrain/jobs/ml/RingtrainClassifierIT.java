package io.ringtrain.jobs.ml;

import io.ringtrain.jobs.SparkFixtures;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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

/** The Spark ML API over a short distributed training run (mlp, 2 replicas, 1 epoch on 320 images). */
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
    void savedAndLoadedModelPredictsExactlyTheSame() throws Exception {
        String path = tmp.resolve("model").toString();
        fitted.setPredictionCol("cls").save(path);

        RingtrainClassificationModel loaded = RingtrainClassificationModel.load(path);

        assertEquals(fitted.uid(), loaded.uid());
        assertEquals("cls", loaded.getPredictionCol(), "params survive the round trip");
        Map<Long, Row> before = byId(fitted.transform(test)), after = byId(loaded.transform(test));
        assertEquals(before.keySet(), after.keySet());
        for (long id : before.keySet()) {
            assertEquals(before.get(id).getInt(before.get(id).fieldIndex("cls")), after.get(id).getInt(after.get(id).fieldIndex("cls")), "id " + id);
            assertEquals(before.get(id).getList(before.get(id).fieldIndex("probability")),
                    after.get(id).getList(after.get(id).fieldIndex("probability")), "probabilities of id " + id + " bit for bit");
        }
        fitted.setPredictionCol("prediction");
    }

    @Test
    void estimatorParamsSurviveSaveAndLoad() throws Exception {
        String path = tmp.resolve("estimator").toString();
        classifier.save(path);

        RingtrainClassifier loaded = RingtrainClassifier.load(path);

        assertEquals(classifier.uid(), loaded.uid());
        assertEquals(classifier.toConfig("x").model, loaded.toConfig("x").model);
        assertEquals(classifier.toConfig("x").seed, loaded.toConfig("x").seed);
        assertEquals(classifier.toConfig("x").lr, loaded.toConfig("x").lr, 0.0);
        assertEquals(classifier.toConfig("x").batchSize, loaded.toConfig("x").batchSize);
        assertArrayEquals(classifier.toConfig("x").inputShape, loaded.toConfig("x").inputShape);
        assertEquals(classifier.getRunDir(), loaded.getRunDir());
        assertEquals("bf16", loaded.toConfig("x").gradientCompression);
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
