package io.ringtrain.jobs.ml;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The estimator's params and schema, without Spark. */
class RingtrainClassifierTest {
    @Test
    void fitsStartedInTheSameMillisecondGetTheirOwnRunFolders() {
        Date now = new Date();

        String a = RingtrainClassifier.runFolder("/runs", now), b = RingtrainClassifier.runFolder("/runs", now);

        assertNotEquals(a, b, "parallel fits (CrossValidator) must never resume each other's checkpoints");
        assertTrue(a.startsWith("/runs/fit-"), a);
    }

    @Test
    void theOutputSchemaHasSparkMlsClassifierColumns() {
        StructType in = new StructType().add("image", DataTypes.BinaryType).add("label", DataTypes.IntegerType);

        StructType out = new RingtrainClassifier().setPredictionCol("p").transformSchema(in);

        assertEquals(DataTypes.DoubleType, out.apply("p").dataType());
        assertEquals(SQLDataTypes.VectorType(), out.apply("probability").dataType());
        assertEquals(SQLDataTypes.VectorType(), out.apply("rawPrediction").dataType());
    }

    @Test
    void anEmptyOutputColumnNameIsRefusedNotSkipped() {
        StructType in = new StructType().add("image", DataTypes.BinaryType).add("label", DataTypes.IntegerType);

        var e = assertThrows(IllegalArgumentException.class, () -> new RingtrainClassifier().setRawPredictionCol("").transformSchema(in));

        assertTrue(e.getMessage().contains("rawPredictionCol ''"), e.getMessage());
    }

    @Test
    void copyWithAParamMapChangesOnlyTheCopy() {
        RingtrainClassifier classifier = new RingtrainClassifier().setLr(0.05);

        RingtrainClassifier copy = classifier.copy(new ParamMap().put(classifier.lr().w(0.01)));

        assertEquals(0.01, copy.toConfig("x").optimization.lr, 0.0);
        assertEquals(0.05, classifier.toConfig("x").optimization.lr, 0.0);
        assertEquals(classifier.uid(), copy.uid());
    }

    @Test
    void theModelFactoryParamRoundTripsThroughItsJsonAndBecomesTheConfigsModel() {
        RingtrainClassifier classifier = new RingtrainClassifier().setModelFactory(io.ringtrain.jobs.models.usernets.TinyNet::new);
        String json = classifier.modelFactory().jsonEncode(classifier.getOrDefault(classifier.modelFactory()));

        io.ringtrain.jobs.models.ModelFactory decoded = classifier.modelFactory().jsonDecode(json);
        assertTrue(decoded.create(new int[] {1, 2, 2}, 3) instanceof io.ringtrain.jobs.models.usernets.TinyNet);
        assertEquals(io.ringtrain.jobs.models.usernets.TinyNet.class.getName() + "::new", classifier.toConfig("run").model.label());
    }

    @Test
    void aBuiltInModelAndAModelFactoryTogetherAreRefused() {
        RingtrainClassifier both = new RingtrainClassifier().setModel("mlp").setModelFactory(io.ringtrain.jobs.models.usernets.TinyNet::new);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> both.toConfig("run"));
        assertTrue(e.getMessage().contains("model") && e.getMessage().contains("modelFactory"), e.getMessage());
    }
    @Test
    void theLossFunctionParamRoundTripsThroughItsJsonAndBecomesTheConfigsLoss() {
        RingtrainClassifier classifier = new RingtrainClassifier().setLossFunction(new io.ringtrain.jobs.models.usernets.HalfCrossEntropy());
        String json = classifier.lossFunction().jsonEncode(classifier.getOrDefault(classifier.lossFunction()));

        assertTrue(classifier.lossFunction().jsonDecode(json) instanceof io.ringtrain.jobs.models.usernets.HalfCrossEntropy);
        String carried = classifier.toConfig("run").getLossFunction();
        assertTrue(io.ringtrain.jobs.train.LossFunction.decode(carried) instanceof io.ringtrain.jobs.models.usernets.HalfCrossEntropy);
        assertEquals(null, new RingtrainClassifier().toConfig("run").getLossFunction(), "unset: cross-entropy");
    }

    @Test
    void aLossFunctionWhoseClassIsMissingAtReloadIsNamedWithTheJarToAdd() {
        float weight = 0.5f; // a lambda of this test class, which the reloading class loader lacks
        RingtrainClassifier classifier = new RingtrainClassifier()
                .setLossFunction((logits, batch) -> new io.ringtrain.trainer.loop.ClassificationObjective().lossSum(logits, batch).mul(weight));
        String json = classifier.lossFunction().jsonEncode(classifier.getOrDefault(classifier.lossFunction()));
        ClassLoader saved = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(new ClassLoader(saved) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith(RingtrainClassifierTest.class.getName())) throw new ClassNotFoundException(name);
                return super.loadClass(name, resolve);
            }
        });
        try {
            var e = assertThrows(IllegalArgumentException.class, () -> new RingtrainClassifier().lossFunction().jsonDecode(json));

            assertTrue(e.getMessage().contains(RingtrainClassifierTest.class.getName()) && e.getMessage().contains("add the jar"), e.getMessage());
        } finally {
            Thread.currentThread().setContextClassLoader(saved);
        }
    }
}
