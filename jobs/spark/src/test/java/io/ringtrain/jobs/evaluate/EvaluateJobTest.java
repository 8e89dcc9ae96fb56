package io.ringtrain.jobs.evaluate;

import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.models.usernets.HalfCrossEntropy;
import io.ringtrain.jobs.testing.LocalBroadcast;
import io.ringtrain.jobs.testing.TestModels;
import io.ringtrain.jobs.train.LossFunction;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The work EvaluateJob ships to every partition, without Spark. */
class EvaluateJobTest {
    static final SavedModel MODEL = TestModels.untrainedMlp();

    @Test
    void theTaskClosureHoldsTheBroadcastHandleNotTheWeights() {
        FlatMapFunction<Iterator<Row>, ConfusionCounts> task = EvaluateJob.partitionCounts(new LocalBroadcast<>(MODEL), 64);

        LocalBroadcast.assertShipsOnlyTheHandle(task, MODEL);
    }

    @Test
    void thePartitionIsEvaluatedWithTheBroadcastModel() throws Exception {
        List<ImageRecord> records = TestModels.randomImages(37, 1);
        List<Row> rows = new ArrayList<>();
        for (ImageRecord r : records) rows.add(DatasetColumns.toRow(r));

        Iterator<ConfusionCounts> out = EvaluateJob.partitionCounts(new LocalBroadcast<>(MODEL), 16).call(rows.iterator());

        ConfusionCounts counts = out.next();
        assertFalse(out.hasNext(), "one result per partition");
        ConfusionCounts direct = RecordEvaluator.evaluate(records.iterator(), MODEL, 16);
        assertEquals(37, counts.count());
        assertEquals(java.util.Arrays.deepToString(direct.matrix()), java.util.Arrays.deepToString(counts.matrix()),
                "the same confusion matrix as evaluating the records directly");
    }
    @Test
    void aModelTrainedWithTheUsersLossIsEvaluatedWithThatLossAndNamesIt() throws Exception {
        List<ImageRecord> records = TestModels.randomImages(37, 3);
        Map<String, String> metadata = new LinkedHashMap<>(MODEL.metadata());
        metadata.put("loss_function", LossFunction.encode(new HalfCrossEntropy()));
        var file = new java.io.ByteArrayOutputStream();
        SafeTensors.write(file, SafeTensors.read(new java.io.ByteArrayInputStream(MODEL.safetensorsBytes()), "mlp").tensors(), metadata);
        SavedModel withLoss = SavedModel.fromBytes(file.toByteArray(), "mlp trained with HalfCrossEntropy", null, null, null, null);

        ConfusionCounts crossEntropy = RecordEvaluator.evaluate(records.iterator(), MODEL, 16);
        ConfusionCounts own = RecordEvaluator.evaluate(records.iterator(), withLoss, 16);

        assertEquals(ConfusionCounts.CROSS_ENTROPY, crossEntropy.lossName());
        assertEquals(HalfCrossEntropy.class.getName(), own.lossName());
        assertEquals(0.5 * crossEntropy.lossSum(), own.lossSum(), 1e-4 * crossEntropy.lossSum(), "the user's loss, half the cross-entropy, over the same batches");
        assertEquals(java.util.Arrays.deepToString(crossEntropy.matrix()), java.util.Arrays.deepToString(own.matrix()), "the same predictions");
        Evaluation evaluation = new Evaluation(own, "mlp", "random", null, null, "stored");
        assertEquals(HalfCrossEntropy.class.getName(), evaluation.lossName());
        assertTrue(evaluation.toJson().contains("\"loss\" : \"" + HalfCrossEntropy.class.getName() + "\""), evaluation.toJson());
    }
}
