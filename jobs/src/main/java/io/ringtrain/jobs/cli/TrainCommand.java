package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ringtrain train}: distributed training on Spark (see {@link TrainJob}). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a model with one replica per Spark barrier task; writes checkpoints, the model, metrics and an HTML report to the run folder. Rerun the same command to resume.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", description = "JSON or YAML file with the settings (keys as the flags, camelCase); flags override it")
    Path config;
    @Option(names = "--master", description = "Spark master when not under spark-submit (default local[replicas])")
    String master;
    @Option(names = "--model", description = "fmnist-cnn (default) or mlp")
    String model;
    @Option(names = "--replicas", description = "model replicas = barrier tasks (default 2)")
    Integer replicas;
    @Option(names = "--epochs", description = "default 3")
    Integer epochs;
    @Option(names = "--batch-size", description = "samples per replica per step (default 32)")
    Integer batchSize;
    @Option(names = "--optimizer", description = "sgd (default) or adamw")
    String optimizer;
    @Option(names = "--lr", description = "learning rate (default 0.05)")
    Double lr;
    @Option(names = "--momentum", description = "SGD momentum (default 0.9)")
    Double momentum;
    @Option(names = "--weight-decay", description = "default 5e-4")
    Double weightDecay;
    @Option(names = "--schedule", description = "cosine (default), step or constant")
    String schedule;
    @Option(names = "--warmup-steps", description = "linear warm-up steps (default 0)")
    Integer warmupSteps;
    @Option(names = "--clip-grad-norm", description = "clip the global gradient L2 norm (default off)")
    Double clipGradNorm;
    @Option(names = "--accumulation-steps", description = "micro-batches per optimizer step (default 1)")
    Integer accumulationSteps;
    @Option(names = "--seed", description = "default 42")
    Long seed;
    @Option(names = "--data", description = "training data: IDX folder, image folder or Parquet path (local or Hadoop URI)")
    String data;
    @Option(names = "--test-data", description = "test data (default: the IDX folder's test split)")
    String testData;
    @Option(names = "--format", description = "idx (default), image-folder or parquet")
    String format;
    @Option(names = "--num-classes", description = "default 10")
    Integer numClasses;
    @Option(names = "--augment", description = "augmentation spec: a JSON/YAML file, or the spec text")
    String augment;
    @Option(names = "--sharding", description = "replicated (default) or partitioned")
    String sharding;
    @Option(names = "--run-dir", description = "run folder: local path or Hadoop URI (default runs/latest)")
    String runDir;
    @Option(names = "--checkpoint-every", description = "optimizer steps between checkpoints (default: each epoch)")
    Integer checkpointEvery;
    @Option(names = "--max-attempts", description = "attempts of the barrier stage before giving up (default 3)")
    Integer maxAttempts;
    @Option(names = "--device", description = "cpu (default)")
    String device;

    @Override
    public Integer call() {
        TrainJobConfig c = config != null ? ConfigFiles.read(config, TrainJobConfig.class) : new TrainJobConfig();
        if (model != null) c.model = model;
        if (replicas != null) c.replicas = replicas;
        if (epochs != null) c.epochs = epochs;
        if (batchSize != null) c.batchSize = batchSize;
        if (optimizer != null) c.optimizer = optimizer;
        if (lr != null) c.lr = lr;
        if (momentum != null) c.momentum = momentum;
        if (weightDecay != null) c.weightDecay = weightDecay;
        if (schedule != null) c.schedule = schedule;
        if (warmupSteps != null) c.warmupSteps = warmupSteps;
        if (clipGradNorm != null) c.clipGradNorm = clipGradNorm;
        if (accumulationSteps != null) c.accumulationSteps = accumulationSteps;
        if (seed != null) c.seed = seed;
        if (data != null) c.data = data;
        if (testData != null) c.testData = testData;
        if (format != null) c.format = format;
        if (numClasses != null) c.numClasses = numClasses;
        if (augment != null) c.augment = augment;
        if (sharding != null) c.sharding = sharding;
        if (runDir != null) c.runDir = runDir;
        if (checkpointEvery != null) c.checkpointEverySteps = checkpointEvery;
        if (maxAttempts != null) c.maxAttempts = maxAttempts;
        if (device != null) c.device = device;
        c.validate();
        SparkSession spark = SparkSessions.getOrCreate("ringtrain train", master, c.replicas);
        TrainJob.Summary summary = TrainJob.run(spark, c, System.out);
        System.out.printf(java.util.Locale.ROOT, "test accuracy: %.2f%%%n", 100 * summary.testAccuracy());
        System.out.println("run folder: " + summary.runDir() + " (model.safetensors, metrics.jsonl, report.html)");
        return 0;
    }
}
