package io.ringtrain.jobs.predict;

import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.models.SavedModel;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Batch inference over a DataFrame, in parallel over its partitions (a plain map stage, no barrier):
 * each partition builds one copy of the model (from weights broadcast once per executor) and runs
 * it over its rows in batches, and every row comes out with two columns appended: the arg-max class ({@code prediction}, int) and the softmax
 * probabilities ({@code probability}, array&lt;float&gt;, one per class). Lazy, like any
 * transformation: nothing runs until the result is written or collected.
 */
public final class PredictJob {
    public static final String PREDICTION = "prediction";
    public static final String PROBABILITY = "probability";
    public static final int DEFAULT_BATCH_SIZE = 256;

    private PredictJob() {}

    public static Dataset<Row> predict(Dataset<Row> df, SavedModel model) {
        return predict(df, model, "image", PREDICTION, PROBABILITY, DEFAULT_BATCH_SIZE);
    }

    /**
     * @param imageColumn  the binary column of encoded images, for DataFrames not in the DataSources layout
     */
    public static Dataset<Row> predict(Dataset<Row> df, SavedModel model, String imageColumn, String predictionColumn,
                                       String probabilityColumn, int batchSize) {
        return predict(df, model, imageColumn, predictionColumn, probabilityColumn, null, batchSize);
    }

    /**
     * As above, and with {@code logitsColumn} not null also the model's raw outputs (array&lt;float&gt;,
     * one per class, before the softmax).
     *
     * <p>The weights travel as a broadcast: each executor fetches them once, and the task binary
     * stays small. The result is lazy, so the broadcast lives as long as the returned Dataset; Spark's
     * context cleaner removes it from the executors once the Dataset is garbage-collected.
     */
    public static Dataset<Row> predict(Dataset<Row> df, SavedModel model, String imageColumn, String predictionColumn,
                                       String probabilityColumn, String logitsColumn, int batchSize) {
        if (model.mean() == null) {
            throw new IllegalArgumentException("model " + model.source() + " stores no normalisation (mean/std); "
                    + "apply it first (EvaluateJob.withNormalization computes it from data in the DataSources layout)");
        }
        if (batchSize < 1) throw new IllegalArgumentException("prediction batch size " + batchSize + " is invalid: expected ≥ 1");
        StructType in = df.schema();
        List<String> outputs = logitsColumn == null ? List.of(predictionColumn, probabilityColumn) : List.of(predictionColumn, probabilityColumn, logitsColumn);
        for (String out : outputs) {
            if (Arrays.asList(in.fieldNames()).contains(out)) {
                throw new IllegalArgumentException("the DataFrame already has a column '" + out + "'; drop or rename it, or choose another output column name");
            }
        }
        if (new HashSet<>(outputs).size() != outputs.size()) {
            throw new IllegalArgumentException("the output columns " + outputs + " must have different names");
        }
        RowImages images = RowImages.forSchema(in, imageColumn);
        StructType outSchema = in.add(predictionColumn, DataTypes.IntegerType, false)
                .add(probabilityColumn, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        if (logitsColumn != null) outSchema = outSchema.add(logitsColumn, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        Broadcast<SavedModel> shipped = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext()).broadcast(model);
        return df.mapPartitions(predictingPartition(images, shipped, logitsColumn != null, batchSize), Encoders.row(outSchema));
    }

    /** The map over one partition; it holds the broadcast's handle, not the weights. */
    static MapPartitionsFunction<Row, Row> predictingPartition(RowImages images, Broadcast<SavedModel> model, boolean withLogits, int batchSize) {
        return rows -> new PredictingIterator(rows, images, model.value(), withLogits, batchSize);
    }

    /** Pulls {@code batchSize} rows, predicts them together, hands them out with the prediction, probabilities (and logits) appended. */
    static final class PredictingIterator implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final RowImages images;
        private final SavedModel model;
        private final boolean withLogits;
        private final int batchSize;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private final long firstId;
        private BatchInference inference;
        private long seen;

        PredictingIterator(Iterator<Row> rows, RowImages images, SavedModel model, boolean withLogits, int batchSize) {
            this.rows = rows;
            this.images = images;
            this.model = model;
            this.withLogits = withLogits;
            this.batchSize = batchSize;
            TaskContext task = TaskContext.get();
            // Rows without an id are named "partition p, row i" in errors: p << 40 + i.
            this.firstId = task == null ? 0 : (long) task.partitionId() << 40;
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty() && rows.hasNext()) fill();
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            return ready.poll();
        }

        private void fill() {
            if (inference == null) inference = new BatchInference(model); // once per partition
            List<Row> batch = new ArrayList<>(batchSize);
            List<ImageRecord> records = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && rows.hasNext()) {
                Row row = rows.next();
                batch.add(row);
                records.add(images.toRecord(row, firstId + seen++));
            }
            BatchInference.Outputs out = inference.run(records);
            for (int i = 0; i < batch.size(); i++) {
                Row row = batch.get(i);
                Object[] values = new Object[row.length() + (withLogits ? 3 : 2)];
                for (int c = 0; c < row.length(); c++) values[c] = row.get(c);
                values[row.length()] = out.predictions()[i];
                values[row.length() + 1] = out.probabilities(i);
                if (withLogits) values[row.length() + 2] = out.logits(i);
                ready.add(RowFactory.create(values));
            }
        }
    }
}
