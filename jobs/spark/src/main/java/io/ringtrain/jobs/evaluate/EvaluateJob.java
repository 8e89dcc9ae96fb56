package io.ringtrain.jobs.evaluate;

import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.data.Normalization;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.run.JobDescription;
import io.ringtrain.jobs.run.RunFolder;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.Iterator;
import java.util.List;

/**
 * Evaluation on Spark: every partition of the dataset ({@link DatasetColumns} layout, from
 * {@code DataSources}) is decoded and run through its own copy of the model in the executors
 * ({@link RecordEvaluator}); the weights travel once per executor, as a broadcast. The partitions'
 * {@link ConfusionCounts} are merged on the driver into an {@link Evaluation}, which {@link #write}
 * stores as evaluation.json and evaluation.html.
 */
public final class EvaluateJob {
    public static final int DEFAULT_BATCH_SIZE = 256;
    static final String STORED = "stored with the model";
    static final String COMPUTED = "computed from the evaluated data (the model stores none)";

    private EvaluateJob() {}

    public static Evaluation run(SparkSession spark, SavedModel model, Dataset<Row> records, String dataName, int batchSize, PrintStream console) {
        if (batchSize < 1) throw new IllegalArgumentException("evaluation batch size " + batchSize + " is invalid: expected ≥ 1");
        Dataset<Row> layout = DatasetColumns.select(records);
        String source = model.mean() != null ? STORED : COMPUTED;
        SavedModel normalized = withNormalization(model, layout, console);
        SparkContext sc = spark.sparkContext();
        Broadcast<SavedModel> shipped = JavaSparkContext.fromSparkContext(sc).broadcast(normalized);
        try (var job = JobDescription.open(sc, "ringtrain evaluate: " + model.name() + " on " + dataName)) {
            // the partitions' own sums: they carry the loss the model was trained with, which the driver need not load
            ConfusionCounts total = layout.toJavaRDD().mapPartitions(partitionCounts(shipped, batchSize)).collect().stream()
                    .reduce(ConfusionCounts::merge).orElseGet(() -> new ConfusionCounts(normalized.numClasses()));
            return new Evaluation(total, model.name() + " (" + model.source() + ")", dataName, normalized.mean(), normalized.std(), source,
                    model.classNames());
        } finally {
            shipped.destroy();
        }
    }

    /**
     * One partition's confusion counts. The task holds only the broadcast's handle, not the weights:
     * each executor fetches them once, however many tasks it runs.
     */
    static FlatMapFunction<Iterator<Row>, ConfusionCounts> partitionCounts(Broadcast<SavedModel> model, int batchSize) {
        return rows -> {
            Iterator<ImageRecord> records = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public ImageRecord next() {
                    return DatasetColumns.toRecord(rows.next());
                }
            };
            return List.of(RecordEvaluator.evaluate(records, model.value(), batchSize)).iterator();
        };
    }

    /**
     * The model with its stored normalisation, or, when it stores none (weights from elsewhere),
     * with the per-channel mean/std of {@code layout} computed in the executors, and a warning.
     */
    public static SavedModel withNormalization(SavedModel model, Dataset<Row> layout, PrintStream console) {
        if (model.mean() != null) return model;
        console.println("ringtrain: " + model.source() + " stores no normalisation (mean/std); computing it from the data instead, "
                + "which is close to, but not exactly, what the model was trained with");
        try (var job = JobDescription.open(layout.sparkSession().sparkContext(),
                "ringtrain: normalisation (per-channel mean/std of the data, for " + model.source() + ")")) {
            float[][] stats = Normalization.compute(DatasetColumns.select(layout), model.inputShape()[0]);
            return model.withNormalization(stats[0], stats[1]);
        }
    }

    /** Writes evaluation.json and evaluation.html into {@code folder} (local path or Hadoop URI), each atomically. */
    public static void write(SparkSession spark, Evaluation evaluation, String folder) {
        RunFolder run = new RunFolder(folder);
        var hadoop = spark.sparkContext().hadoopConfiguration();
        run.writeText(hadoop, "evaluation.json", evaluation.toJson());
        run.writeText(hadoop, "evaluation.html", EvaluationReport.html("ringtrain evaluation: " + evaluation.model() + " on " + evaluation.data(), evaluation));
    }
}
