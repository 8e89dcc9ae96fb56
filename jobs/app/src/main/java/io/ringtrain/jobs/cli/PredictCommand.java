package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.data.formats.DataRequest;
import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.evaluate.EvaluateJob;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.predict.PredictJob;
import io.ringtrain.jobs.run.JobDescription;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;

/** {@code ringtrain predict}: batch inference with a saved model (see {@link PredictJob}). */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predicts the class of every image in parallel over the Spark executors and writes the rows with 'prediction' and "
                + "'probability' columns (image bytes left out) as Parquet or CSV (CSV: one probability_<k> column per class); "
                + "a model trained with class names adds 'predicted_class', the predicted class's name.")
final class PredictCommand implements Callable<Integer> {
    /** Output column: the name of the predicted class, for models that store class names. */
    static final String PREDICTED_CLASS = "predicted_class";

    @Mixin
    ModelOptions modelOptions;
    @Mixin
    DatasetOptions dataset;
    @Option(names = "--out", required = true, description = "output folder; written as CSV when it ends with .csv or --out-format csv, else Parquet")
    String out;
    @Option(names = "--out-format", converter = OutputFormat.Converter.class, description = "parquet or csv (default: from --out)")
    OutputFormat outFormat;
    @Option(names = "--overwrite", description = "replace --out if it exists")
    boolean overwrite;
    @Option(names = "--batch-size", description = "samples per forward pass (default 256)")
    int batchSize = PredictJob.DEFAULT_BATCH_SIZE;
    @Option(names = "--master", description = "Spark master when not under spark-submit (default local[2])")
    String master;

    @Override
    public Integer call() {
        Configuration conf = DataPaths.beforeSpark();
        modelOptions.validate(conf);
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size " + batchSize + " is invalid: expected ≥ 1");
        OutputFormat as = outFormat != null ? outFormat : OutputFormat.of(out);
        dataset.validate(conf);
        if (!overwrite && DataPaths.exists(out, conf)) {
            throw new IllegalArgumentException("--out " + out + " already exists; pass --overwrite to replace it or choose another path");
        }
        SparkSession spark = SparkSessions.getOrCreate("ringtrain predict", master, 2);
        SavedModel model = modelOptions.load(spark.sparkContext().hadoopConfiguration());
        Dataset<Row> input = dataset.imageFormat().unlabelled(spark,
                new DataRequest(dataset.data, dataset.trainSplit(), model.classNames(), true, dataset.imageColumn, null, true));
        if (model.mean() == null) {
            if (!DatasetColumns.matches(input.schema())) {
                throw new IllegalArgumentException(model.source() + " stores no normalisation; pass --mean and --std (the training data's per-channel values)");
            }
            model = EvaluateJob.withNormalization(model, input, System.out);
        }
        Dataset<Row> predicted = PredictJob.predict(input, model, dataset.imageColumn, PredictJob.PREDICTION, PredictJob.PROBABILITY, batchSize);
        Dataset<Row> output = predicted.select(outputColumns(predicted, as == OutputFormat.CSV, model));
        var writer = output.write().mode(overwrite ? "overwrite" : "errorifexists");
        try (var job = JobDescription.open(spark.sparkContext(), "ringtrain predict: " + model.name() + " on " + dataset.data + " to " + out)) {
            if (as == OutputFormat.CSV) writer.option("header", "true").csv(out);
            else writer.parquet(out);
        }
        System.out.println("predictions: " + out + " (" + as + ")");
        return 0;
    }

    /**
     * Every column but binary ones (image bytes), and after the prediction its class name
     * ({@value #PREDICTED_CLASS}) when the model stores names; for CSV the probabilities spread over
     * probability_0..K-1 and no nested boxes.
     */
    static Column[] outputColumns(Dataset<Row> df, boolean csv, SavedModel model) {
        List<Column> columns = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            if (f.dataType() instanceof BinaryType) continue;
            if (csv && f.name().equals("boxes")) continue; // CSV has no nested types
            if (csv && f.name().equals(PredictJob.PROBABILITY)) {
                for (int k = 0; k < model.numClasses(); k++) columns.add(col(f.name()).getItem(k).as(PredictJob.PROBABILITY + "_" + k));
            } else {
                columns.add(col(f.name()));
            }
            if (f.name().equals(PredictJob.PREDICTION) && model.classNames() != null) {
                Column[] names = new Column[model.numClasses()];
                for (int k = 0; k < names.length; k++) names[k] = lit(model.className(k));
                columns.add(element_at(array(names), col(f.name()).plus(1)).as(PREDICTED_CLASS));
            }
        }
        return columns.toArray(new Column[0]);
    }
}
