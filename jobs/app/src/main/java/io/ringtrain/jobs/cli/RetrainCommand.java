package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.retrain.RetrainConfig;
import io.ringtrain.jobs.retrain.RetrainJob;
import io.ringtrain.jobs.retrain.RetrainOutcome;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code ringtrain retrain}: one scheduled retraining run (see {@link RetrainJob}). */
@Command(name = "retrain", mixinStandardHelpOptions = true, abbreviateSynopsis = true,
        description = {"Retrains on the date partitions the policy picks (warm start from the champion), evaluates candidate and champion "
                + "on a fixed holdout, registers the candidate as a new version and promotes it only when it is better by the margin. "
                + "Rerunning for the same partitions is a no-op; an interrupted run resumes.",
                "Prints one JSON line on stdout: {\"status\":\"promoted|rejected|noop|failed\",\"reason\":..,\"version\":..,\"metric\":..,\"champion_metric\":..,...}; "
                        + "progress goes to stderr."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:promoted, or noop (nothing new)", "10:rejected (champion kept)", "1:failed (champion kept; rerun to resume)",
                "2:bad input or settings"})
final class RetrainCommand implements Callable<Integer> {
    @ArgGroup(validate = false, heading = "%nTraining:%n")
    TrainingOptions training = new TrainingOptions();
    @ArgGroup(validate = false, heading = "%nYour own model (instead of --model; rebuilt from each version's weights) and loss (instead of cross-entropy):%n")
    TrainCommand.OwnModel ownModel = new TrainCommand.OwnModel();
    @Option(names = "--dataset", required = true, description = "Parquet folder with date=YYYY-MM-DD partitions (columns image: PNG/JPEG bytes, label: int)")
    String dataset;
    @Option(names = "--holdout", required = true, description = "fixed Parquet evaluation set (same columns) for the champion comparison")
    String holdout;
    @Option(names = "--registry", required = true, description = "model registry folder: local path or Hadoop URI")
    String registry;
    @Option(names = "--policy", defaultValue = "new-since-last", description = "new-since-last (default) or window:K (the newest K days)")
    String policy;
    @Option(names = "--margin", defaultValue = "0.005", description = "promote when holdout accuracy gain > margin (default 0.005)")
    double margin;
    @Option(names = "--no-warm-start", description = "train from scratch even when there is a champion")
    boolean noWarmStart;
    @Option(names = "--image-column", description = "default image")
    String imageColumn;
    @Option(names = "--label-column", description = "default label")
    String labelColumn;

    @Override
    public Integer call() {
        RetrainConfig c = new RetrainConfig();
        c.dataset = dataset;
        c.holdout = holdout;
        c.registry = registry;
        c.policy = policy;
        c.margin = margin;
        c.warmStart = !noWarmStart;
        RetrainOutcome outcome;
        try {
            TrainingOptions options = training != null ? training : new TrainingOptions(); // null when no flag of the group is given
            TrainJobConfig t = options.toConfig();
            if (ownModel != null && (ownModel.modelClass != null || ownModel.modelSpec != null) && options.model != null) {
                throw new IllegalArgumentException("--model names a built-in model and --model-class/--model-spec your own: pass one of them");
            }
            if (ownModel != null) ownModel.applyTo(t);
            if (imageColumn != null) t.input.imageColumn = imageColumn;
            if (labelColumn != null) t.input.labelColumn = labelColumn;
            c.train = t;
            c.validate();
            SparkSessions.requireLocalCores(options.master, t.replicas, Runtime.getRuntime().availableProcessors());
            SparkSession spark = SparkSessions.getOrCreate("ringtrain retrain", options.master, t.replicas);
            outcome = RetrainJob.run(spark, c, System.err);
        } catch (IllegalArgumentException e) {
            outcome = RetrainOutcome.failed(e.getMessage(), true);
        }
        if (outcome.status().equals("failed")) System.err.println("ringtrain retrain: " + outcome.reason());
        System.out.println(outcome.toJson());
        System.out.flush();
        return outcome.exitCode();
    }
}
