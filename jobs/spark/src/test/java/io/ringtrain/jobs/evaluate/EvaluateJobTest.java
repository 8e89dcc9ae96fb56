package io.ringtrain.jobs.evaluate;

import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.testing.LocalBroadcast;
import io.ringtrain.jobs.testing.TestModels;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
