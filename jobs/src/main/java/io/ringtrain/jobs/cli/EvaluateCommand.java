package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.evaluate.EvaluateJob;
import io.ringtrain.jobs.evaluate.Evaluation;
import io.ringtrain.jobs.models.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ringtrain evaluate}: a saved model on a labelled dataset (see {@link EvaluateJob}). */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluates a trained model on a labelled dataset in parallel over the Spark executors: accuracy, per-class precision/recall/F1, "
                + "the confusion matrix and the mean loss, written to evaluation.json and evaluation.html.")
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;
    @Option(names = "--data", required = true, description = "labelled data: IDX folder, image folder or Parquet path (local or Hadoop URI)")
    String data;
    @Option(names = "--format", description = "idx (default), image-folder, parquet, coco or voc")
    String format = "idx";
    @Option(names = "--split", description = "for IDX folders: test (default) or train")
    String split = "test";
    @Option(names = "--image-column", description = "Parquet: column of encoded PNG/JPEG bytes (default image)")
    String imageColumn = "image";
    @Option(names = "--label-column", description = "Parquet: integer label column (default label)")
    String labelColumn = "label";
    @Option(names = "--batch-size", description = "samples per forward pass (default 256)")
    int batchSize = EvaluateJob.DEFAULT_BATCH_SIZE;
    @Option(names = "--out", description = "folder for evaluation.json and evaluation.html (default: the run folder)")
    String out;
    @Option(names = "--master", description = "Spark master when not under spark-submit (default local[2])")
    String master;

    @Override
    public Integer call() {
        Configuration conf = new Configuration();
        modelOptions.validate(conf);
        if (out == null && modelOptions.runDir == null) throw new IllegalArgumentException("with --weights, say where the report goes: --out DIR");
        if (!java.util.Set.of("test", "train").contains(split)) throw new IllegalArgumentException("--split " + split + " is invalid: expected test or train");
        Commands.requireFormat(format);
        DataPaths.requireExists(data, "--data", conf);
        SparkSession spark = SparkSessions.getOrCreate("ringtrain evaluate", master, 2);
        SavedModel model = modelOptions.load(spark.sparkContext().hadoopConfiguration());
        Dataset<Row> records = Commands.labelled(spark, format, data, split.equals("train"), imageColumn, labelColumn);
        Evaluation e = EvaluateJob.run(spark, model, records, data + (format.equals("idx") ? " (" + split + " split)" : ""), batchSize, System.out);
        String folder = out != null ? out : modelOptions.runDir;
        EvaluateJob.write(spark, e, folder);
        System.out.printf(Locale.ROOT, "accuracy: %.2f%% on %d samples, mean loss %.4f, macro F1 %.4f%n", 100 * e.accuracy(), e.count(), e.meanLoss(), e.macroF1());
        System.out.println("report: " + folder + "/evaluation.html (metrics in evaluation.json)");
        return 0;
    }
}
