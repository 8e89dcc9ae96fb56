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
    @Mixin
    DatasetOptions dataset;
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
        Configuration conf = DataPaths.beforeSpark();
        modelOptions.validate(conf);
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size " + batchSize + " is invalid: expected ≥ 1");
        if (out == null && modelOptions.runDir == null) throw new IllegalArgumentException("with --weights, say where the report goes: --out DIR");
        if (dataset.format.isText()) return evaluateText(conf);
        dataset.validate(conf);
        SparkSession spark = SparkSessions.getOrCreate("ringtrain evaluate", master, 2);
        SavedModel model = modelOptions.load(spark.sparkContext().hadoopConfiguration());
        Dataset<Row> records = Commands.labelled(spark, dataset.imageFormat(), dataset.data, dataset.trainSplit(), dataset.imageColumn, labelColumn,
                model.classNames());
        Evaluation e = EvaluateJob.run(spark, model, records, dataset.describe(), batchSize, System.out);
        String folder = out != null ? out : modelOptions.runDir;
        EvaluateJob.write(spark, e, folder);
        String loss = e.lossName().equals(io.ringtrain.jobs.evaluate.ConfusionCounts.CROSS_ENTROPY) ? "" : " (" + e.lossName() + ", the loss it was trained with)";
        System.out.printf(Locale.ROOT, "accuracy: %.2f%% on %d samples, mean loss %.4f%s, macro F1 %.4f%n", 100 * e.accuracy(), e.count(), e.meanLoss(), loss, e.macroF1());
        System.out.println("report: " + folder + "/evaluation.html (metrics in evaluation.json)");
        return 0;
    }

    private int evaluateText(Configuration conf) {
        if (modelOptions.inputShape != null || modelOptions.numClasses != null || modelOptions.mean != null) {
            throw new IllegalArgumentException("--input-shape, --num-classes, --mean and --std are for image models; a text model's weights state its settings");
        }
        DataPaths.requireExists(dataset.data, "--data", conf);
        SparkSession spark = SparkSessions.getOrCreate("ringtrain evaluate", master, 2);
        var hadoop = spark.sparkContext().hadoopConfiguration();
        var model = modelOptions.runDir != null ? io.ringtrain.jobs.models.SavedTextModel.fromRunFolder(modelOptions.runDir, hadoop)
                : io.ringtrain.jobs.models.SavedTextModel.fromFile(modelOptions.weights, hadoop);
        if (!model.format().equals(dataset.format)) {
            throw new IllegalArgumentException(model.source() + " holds " + model.name() + ", which reads --format " + model.format() + ", not " + dataset.format);
        }
        var e = io.ringtrain.jobs.evaluate.TextEvaluation.run(spark, model, dataset.data, dataset.split.toString(), batchSize);
        String folder = out != null ? out : modelOptions.runDir;
        e.write(spark, folder);
        System.out.printf(Locale.ROOT, "%s (%s split): %d sequences, loss %.4f nats/%s, token accuracy %.2f%%, exact sequences %.2f%%%n", dataset.data, dataset.split,
                e.sequences(), e.loss(), model.isLanguageModel() ? "char" : "sequence", 100 * e.tokenAccuracy(), 100 * e.exactSequences());
        System.out.println("metrics: " + folder + "/evaluation.json");
        return 0;
    }
}
