package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code ringtrain train}: distributed training on Spark (see {@link TrainJob}). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a model with one replica per Spark barrier task; writes checkpoints, the model, metrics and an HTML report to the run folder. Rerun the same command to resume.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions training = new TrainingOptions();
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
    @Option(names = "--data", description = "training data: IDX folder, image folder, Parquet path, COCO JSON, VOC folder, or a text/TSV file (local or Hadoop URI)")
    String data;
    @Option(names = "--test-data", description = "test data (default: the IDX folder's test split; for text: the last --validation-fraction of --data)")
    String testData;
    @Option(names = "--format", description = "idx (default), image-folder, parquet, coco (instances JSON file), voc (Pascal VOC folder); text (char-level, "
            + "for char-lstm/char-transformer) or text-pairs (source<TAB>target lines, for seq2seq-transformer)")
    String format;
    @Option(names = "--seq-len", description = "text: characters per training window; text-pairs: padded length (default 64)")
    Integer seqLen;
    @Option(names = "--stride", description = "text: characters between window starts (default: --seq-len)")
    Integer stride;
    @Option(names = "--validation-fraction", description = "text: share at the end of the file kept for validation (default 0.1)")
    Double validationFraction;
    @Option(names = "--hidden-size", description = "text models: hidden size / d_model (default 256)")
    Integer hiddenSize;
    @Option(names = "--num-layers", description = "text models: layers (default 2)")
    Integer numLayers;
    @Option(names = "--num-heads", description = "Transformer text models: attention heads (default 4)")
    Integer numHeads;
    @Option(names = "--sample-length", description = "language models: characters generated after training (default 300; 0: none)")
    Integer sampleLength;
    @Option(names = "--temperature", description = "language models: sampling temperature, 0 is greedy (default 0.8)")
    Double temperature;
    @Option(names = "--prompt", description = "language models: text the sample continues (default a newline)")
    String prompt;
    @Option(names = "--num-classes", description = "default 10")
    Integer numClasses;
    @Option(names = "--augment", description = "augmentation spec: a JSON/YAML file, or the spec text")
    String augment;
    @Option(names = "--sharding", description = "replicated (default), partitioned or streaming (Parquet shards in the run folder, streamed each epoch)")
    String sharding;
    @Option(names = "--shuffle-buffer", description = "streaming: records in each replica's shuffle buffer (default 1024)")
    Integer shuffleBuffer;
    @Option(names = "--on-bad-record", description = "fail (default) or skip: drop corrupt images, wrong-sized images and out-of-range labels, counted and reported")
    String onBadRecord;
    @Option(names = "--run-dir", description = "run folder: local path or Hadoop URI (default runs/latest)")
    String runDir;
    @Option(names = "--checkpoint-every", description = "optimizer steps between checkpoints (default: each epoch)")
    Integer checkpointEvery;
    @Option(names = "--max-attempts", description = "attempts of the barrier stage before giving up (default 3)")
    Integer maxAttempts;
    @Option(names = "--device", description = "cpu (default), cuda, cuda:N or auto: GEMMs on the GPU Spark assigned to each task; auto falls back to the CPU")
    String device;

    @Override
    public Integer call() {
        TrainJobConfig c = training.toConfig();
        if (momentum != null) c.momentum = momentum;
        if (weightDecay != null) c.weightDecay = weightDecay;
        if (schedule != null) c.schedule = schedule;
        if (warmupSteps != null) c.warmupSteps = warmupSteps;
        if (clipGradNorm != null) c.clipGradNorm = clipGradNorm;
        if (accumulationSteps != null) c.accumulationSteps = accumulationSteps;
        if (data != null) c.data = data;
        if (testData != null) c.testData = testData;
        if (format != null) c.format = format;
        if (numClasses != null) c.numClasses = numClasses;
        if (augment != null) c.augment = augment;
        if (sharding != null) c.sharding = sharding;
        if (shuffleBuffer != null) c.shuffleBuffer = shuffleBuffer;
        if (onBadRecord != null) c.onBadRecord = onBadRecord;
        if (runDir != null) c.runDir = runDir;
        if (checkpointEvery != null) c.checkpointEverySteps = checkpointEvery;
        if (maxAttempts != null) c.maxAttempts = maxAttempts;
        if (device != null) c.device = device;
        if (seqLen != null) c.seqLen = seqLen;
        if (stride != null) c.stride = stride;
        if (validationFraction != null) c.validationFraction = validationFraction;
        if (hiddenSize != null) c.hiddenSize = hiddenSize;
        if (numLayers != null) c.numLayers = numLayers;
        if (numHeads != null) c.numHeads = numHeads;
        if (sampleLength != null) c.sampleLength = sampleLength;
        if (temperature != null) c.temperature = temperature;
        if (prompt != null) c.prompt = prompt;
        c.validate();
        SparkSession spark = SparkSessions.getOrCreate("ringtrain train", training.master, c.replicas);
        TrainJob.Summary summary = TrainJob.run(spark, c, System.out);
        if (c.trainsOnText()) {
            System.out.printf(java.util.Locale.ROOT, "validation loss: %.4f nats/%s, token accuracy %.2f%%%n", summary.testLoss(),
                    c.format.equals("text") ? "char" : "sequence (mean over its characters)", 100 * summary.testAccuracy());
            System.out.println("run folder: " + summary.runDir() + " (model.safetensors, vocab.json, sample.txt, metrics.jsonl, report.html)");
        } else {
            System.out.printf(java.util.Locale.ROOT, "test accuracy: %.2f%%%n", 100 * summary.testAccuracy());
            System.out.println("run folder: " + summary.runDir() + " (model.safetensors, metrics.jsonl, report.html)");
        }
        return 0;
    }
}
