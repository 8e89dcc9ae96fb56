package io.ringtrain.jobs.predict;

import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.testing.LocalBroadcast;
import io.ringtrain.jobs.testing.TestModels;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The work PredictJob ships to every partition, without Spark. */
class PredictJobTest {
    static final SavedModel MODEL = TestModels.untrainedMlp();
    static final RowImages LAYOUT = RowImages.forSchema(DatasetColumns.SCHEMA, "image");

    @Test
    void theTaskClosureHoldsTheBroadcastHandleNotTheWeights() {
        MapPartitionsFunction<Row, Row> task = PredictJob.predictingPartition(LAYOUT, new LocalBroadcast<>(MODEL), true, 64);

        LocalBroadcast.assertShipsOnlyTheHandle(task, MODEL);
    }

    @Test
    void everyRowGetsThePredictionProbabilitiesAndLogitsOfTheBroadcastModel() throws Exception {
        List<ImageRecord> records = TestModels.randomImages(21, 2);
        List<Row> rows = new ArrayList<>();
        for (ImageRecord r : records) rows.add(DatasetColumns.toRow(r));

        Iterator<Row> out = PredictJob.predictingPartition(LAYOUT, new LocalBroadcast<>(MODEL), true, 8).call(rows.iterator());

        BatchInference.Outputs direct = new BatchInference(MODEL).run(records);
        int width = DatasetColumns.SCHEMA.size();
        for (int i = 0; i < records.size(); i++) {
            Row row = out.next();
            assertEquals(width + 3, row.length(), "prediction, probability and logits appended");
            assertEquals(records.get(i).id(), row.getLong(0), "rows keep their order");
            assertEquals(direct.predictions()[i], row.getInt(width));
            assertArrayEquals(direct.probabilities(i), (float[]) row.get(width + 1), 1e-6f);
            assertArrayEquals(direct.logits(i), (float[]) row.get(width + 2), 1e-5f);
        }
        assertTrue(!out.hasNext());
    }
}
