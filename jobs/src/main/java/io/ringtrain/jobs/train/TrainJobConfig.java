package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.io.Serializable;

/**
 * Everything a distributed training run needs. Public fields so a JSON or YAML config file maps
 * onto it directly (unknown keys are errors); command-line flags override the file. Defaults are
 * the fmnist-cnn recipe.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public class TrainJobConfig implements Serializable {
    /** Built-in model name: fmnist-cnn, small-resnet, mlp. */
    public String model = "fmnist-cnn";
    /** Number of replicas = barrier tasks; the cluster must run this many tasks at once. */
    public int replicas = 2;
    public int epochs = 3;
    /** Samples per replica per step (the global batch is replicas × batchSize). */
    public int batchSize = 32;
    /** sgd or adamw. */
    public String optimizer = "sgd";
    public double lr = 0.05;
    public double momentum = 0.9;
    public double weightDecay = 5e-4;
    public boolean nesterov = false;
    /** cosine (per step, to 0), step (×0.1 every epoch/3), constant. */
    public String schedule = "cosine";
    public int warmupSteps = 0;
    public double clipGradNorm = 0;
    public int accumulationSteps = 1;
    public long seed = 42;
    /** Data: a folder (idx: the four Fashion-MNIST/MNIST files; image-folder: one sub-folder per class) or a Parquet path. */
    public String data;
    /** Test data; for idx the test split of {@link #data} is used when this is empty. */
    public String testData;
    /** idx, image-folder, parquet, coco (an instances JSON file) or voc (a Pascal VOC folder). */
    public String format = "idx";
    public String imageColumn = "image";
    public String labelColumn = "label";
    public int numClasses = 10;
    /** Model input [channels, height, width]; images must match after augmentation. */
    public int[] inputShape = {1, 28, 28};
    /** Per-channel normalisation of [0, 1] pixels; computed from the training data when null. */
    public float[] mean;
    public float[] std;
    /** Augmentation spec: a path to a JSON/YAML file, or the spec text itself; none when null. */
    public String augment;
    /**
     * replicated: every replica holds the whole (small) dataset, exact W·b equivalence; partitioned:
     * one shard per replica, held in memory; streaming: one Parquet shard per replica in the run
     * folder, streamed every epoch through a shuffle buffer (data larger than executor memory).
     */
    public String sharding = "replicated";
    /** streaming: records a replica's shuffle buffer holds (besides one batch); 1 keeps the shard's stored order. */
    public int shuffleBuffer = 1024;
    /**
     * fail: a corrupt image, an image of the wrong size or a label outside [0, numClasses) fails the
     * job naming the record; skip: such records are dropped before planning, counted per kind and
     * reported (driver warning, metrics.jsonl, summary.json).
     */
    public String onBadRecord = "fail";
    /** Run folder: local path or Hadoop URI. */
    public String runDir = "runs/latest";
    public int checkpointEverySteps = 0;
    public int keepCheckpoints = 3;
    /** Attempts of the barrier stage; later attempts resume from the latest checkpoint. */
    public int maxAttempts = 3;
    public int collectiveTimeoutSeconds = 60;
    /**
     * Warm start: a model.safetensors (local path or Hadoop URI) loaded into every replica's model
     * before training; names and shapes must match the model. A checkpoint in the run folder still
     * wins (resume). None when null.
     */
    public String initialWeights;
    /** Where the replicas compute: cpu (cuda is not wired into the training job yet). */
    public String device = "cpu";

    /** Fails with a message naming the first bad setting. */
    public void validate() {
        require(replicas >= 1, "replicas", replicas, "≥ 1");
        require(epochs >= 1, "epochs", epochs, "≥ 1");
        require(batchSize >= 1, "batchSize", batchSize, "≥ 1");
        require(lr > 0, "lr", lr, "> 0");
        require(numClasses >= 2, "numClasses", numClasses, "≥ 2");
        require(maxAttempts >= 1, "maxAttempts", maxAttempts, "≥ 1");
        require(accumulationSteps >= 1, "accumulationSteps", accumulationSteps, "≥ 1");
        require(data != null && !data.isBlank(), "data", data, "a dataset path");
        require(inputShape != null && inputShape.length == 3, "inputShape", java.util.Arrays.toString(inputShape), "[channels, height, width]");
        require(java.util.Set.of("idx", "image-folder", "parquet", "coco", "voc").contains(format), "format", format, "idx, image-folder, parquet, coco or voc");
        require(java.util.Set.of("replicated", "partitioned", "streaming").contains(sharding), "sharding", sharding, "replicated, partitioned or streaming");
        require(shuffleBuffer >= 1, "shuffleBuffer", shuffleBuffer, "≥ 1");
        require(java.util.Set.of("fail", "skip").contains(onBadRecord), "onBadRecord", onBadRecord, "fail or skip");
        require(java.util.Set.of("sgd", "adamw").contains(optimizer), "optimizer", optimizer, "sgd or adamw");
        require(java.util.Set.of("cosine", "step", "constant").contains(schedule), "schedule", schedule, "cosine, step or constant");
        require(device.equals("cpu"), "device", device, "cpu (GPU training is not wired into the Spark job yet)");
        if (mean != null || std != null) {
            require(mean != null && std != null && mean.length == inputShape[0] && std.length == inputShape[0], "mean/std",
                    java.util.Arrays.toString(mean) + "/" + java.util.Arrays.toString(std), "one value per input channel");
        }
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) throw new IllegalArgumentException("training setting '" + key + "' = " + value + " is invalid: expected " + expected);
    }
}
