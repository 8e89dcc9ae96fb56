package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.train.DeviceSetting;
import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code ringtrain train}: distributed training on Spark (see {@link TrainJob}). Every setting of a
 * config file ({@link TrainJobConfig}) has a flag, its key in kebab case; the help lists them in
 * sections. Every setting and every input path is checked here, before Spark starts.
 */
@Command(name = "train", mixinStandardHelpOptions = true, abbreviateSynopsis = true, sortOptions = false,
        description = "Trains a model with one replica per Spark barrier task; writes checkpoints, the model, metrics and an HTML report to the run folder. Rerun the same command to resume.")
final class TrainCommand implements Callable<Integer> {
    @ArgGroup(validate = false, heading = "%nTraining:%n", order = 1)
    TrainingOptions training = new TrainingOptions();
    @ArgGroup(validate = false, heading = "%nYour own model (instead of --model) and loss (instead of cross-entropy):%n", order = 2)
    OwnModel ownModel = new OwnModel();
    @ArgGroup(validate = false, heading = "%nOptimizer:%n", order = 2)
    Optimizer optimizer = new Optimizer();
    @ArgGroup(validate = false, heading = "%nData:%n", order = 3)
    Data data = new Data();
    @ArgGroup(validate = false, heading = "%nReplicas and the cluster:%n", order = 4)
    Cluster cluster = new Cluster();
    @ArgGroup(validate = false, heading = "%nRun folder:%n", order = 5)
    Run run = new Run();
    @ArgGroup(validate = false, heading = "%nText models (--format text or text-pairs):%n", order = 6)
    Text text = new Text();

    static final class OwnModel {
        @Option(names = "--model-class", paramLabel = "CLASS", description = "your Module subclass, e.g. com.acme.MyNet, from the classpath or spark-submit --jars; "
                + "it needs a public constructor (int[] inputShape, int numClasses) or a public no-argument constructor")
        String modelClass;
        @Option(names = "--model-spec", paramLabel = "FILE", description = "a YAML or JSON layer list (conv2d, batchnorm2d, relu, maxpool2d, flatten, linear, "
                + "dropout, rows, lstm, encoder_layer, ...; see the README), or the list itself")
        String modelSpec;
        @Option(names = "--loss-class", paramLabel = "CLASS", description = "your LossFunction in place of cross-entropy, e.g. com.acme.MyLoss, from the classpath "
                + "or spark-submit --jars; it needs a public no-argument constructor (image models only)")
        String lossClass;

        /** Sets the model and the loss on {@code c}, whose other settings are final: a loss class is refused for a model that trains with its own objective. */
        void applyTo(TrainJobConfig c) {
            if (modelClass != null) c.model.modelClass = modelClass;
            if (modelSpec != null) c.model.modelSpec = readSpec(modelSpec);
            if (lossClass != null) {
                if (c.trainsOnText()) {
                    throw new IllegalArgumentException("--loss-class " + lossClass + " trains an image classifier with your loss, but --format " + c.input.format
                            + (io.ringtrain.jobs.models.ModelZoo.isText(c.model.name) ? " (model " + c.model.name + ")" : "")
                            + " trains a text model with its own objective; drop --loss-class, or train an image format");
                }
                c.lossFunction(io.ringtrain.jobs.train.UserLossClass.instantiate(lossClass));
            }
        }

        /** The layer list: the file's text when {@code spec} is a local file, else {@code spec} itself. */
        static String readSpec(String spec) {
            java.nio.file.Path file;
            try {
                file = java.nio.file.Path.of(spec);
            } catch (java.nio.file.InvalidPathException e) {
                return spec;
            }
            if (!java.nio.file.Files.isRegularFile(file)) {
                if (spec.matches("[^\\s\\[{:]+\\.(ya?ml|json)")) { // a file name, not a list: a typo must not read as a one-word spec
                    throw new IllegalArgumentException("--model-spec " + spec + " does not exist; pass a YAML or JSON file with the layer list");
                }
                return spec;
            }
            try {
                return java.nio.file.Files.readString(file);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read the model spec " + spec + ": " + e.getMessage(), e);
            }
        }
    }

    static final class Optimizer {
        @Option(names = "--momentum", description = "SGD momentum (default 0.9)")
        Double momentum;
        @Option(names = "--nesterov", negatable = true, description = "SGD with Nesterov momentum (default false)")
        Boolean nesterov;
        @Option(names = "--weight-decay", description = "default 5e-4")
        Double weightDecay;
        @Option(names = "--schedule", description = "cosine (default), step or constant")
        String schedule;
        @Option(names = "--warmup-steps", description = "linear warm-up steps (default 0)")
        Integer warmupSteps;
        @Option(names = "--clip-grad-norm", description = "clip the global gradient L2 norm (default 0: off)")
        Double clipGradNorm;
        @Option(names = "--accumulation-steps", description = "micro-batches per optimizer step (default 1)")
        Integer accumulationSteps;

        void applyTo(TrainJobConfig c) {
            if (momentum != null) c.optimization.momentum = momentum;
            if (nesterov != null) c.optimization.nesterov = nesterov;
            if (weightDecay != null) c.optimization.weightDecay = weightDecay;
            if (schedule != null) c.optimization.schedule = io.ringtrain.jobs.train.ScheduleChoice.parse(schedule);
            if (warmupSteps != null) c.optimization.warmupSteps = warmupSteps;
            if (clipGradNorm != null) c.optimization.clipGradNorm = clipGradNorm;
            if (accumulationSteps != null) c.optimization.accumulationSteps = accumulationSteps;
        }
    }

    static final class Data {
        @Option(names = "--data", description = "training data: IDX folder, image folder, Parquet path, COCO JSON, VOC folder, or a text/TSV file (local or Hadoop URI)")
        String data;
        @Option(names = "--test-data", description = "test data (default: the IDX or VOC folder's test split; for text: the last --validation-fraction of --data)")
        String testData;
        @Option(names = "--format", converter = DataFormatChoice.class, description = "idx (default), image-folder, parquet, coco (instances JSON file), voc (Pascal VOC folder); text (char-level, "
                + "for char-lstm/char-transformer) or text-pairs (source<TAB>target lines, for seq2seq-transformer)")
        io.ringtrain.jobs.data.formats.DataFormat format;
        @Option(names = "--image-column", description = "parquet: column of encoded PNG/JPEG bytes (default image)")
        String imageColumn;
        @Option(names = "--label-column", description = "parquet: integer label column (default label)")
        String labelColumn;
        @Option(names = "--num-classes", description = "default 10")
        Integer numClasses;
        @Option(names = "--input-shape", split = ",", paramLabel = "C,H,W", hideParamSyntax = true, description = "model input after augmentation (default 1,28,28)")
        int[] inputShape;
        @Option(names = "--class-names", split = ",", paramLabel = "NAME,...", hideParamSyntax = true,
                description = "name of class 0, 1, ... (default: image-folder's sorted folder names; saved with the model)")
        java.util.List<String> classNames;
        @Option(names = "--mean", split = ",", paramLabel = "MEAN,...", hideParamSyntax = true, description = "per-channel mean of [0, 1] pixels (default: computed from the training data)")
        float[] mean;
        @Option(names = "--std", split = ",", paramLabel = "STD,...", hideParamSyntax = true, description = "per-channel std (with --mean)")
        float[] std;
        @Option(names = "--augment", description = "augmentation spec: a JSON/YAML file, or the spec text")
        String augment;
        @Option(names = "--on-bad-record", description = "fail (default) or skip: drop corrupt images, wrong-sized images and out-of-range labels, counted and reported")
        String onBadRecord;

        void applyTo(TrainJobConfig c) {
            if (data != null) c.input.data = data;
            if (testData != null) c.input.testData = testData;
            if (format != null) c.input.format = format;
            if (imageColumn != null) c.input.imageColumn = imageColumn;
            if (labelColumn != null) c.input.labelColumn = labelColumn;
            if (numClasses != null) c.input.numClasses = numClasses;
            if (inputShape != null) c.input.inputShape = inputShape;
            if (classNames != null) c.input.classNames = classNames;
            if (mean != null) c.input.mean = mean;
            if (std != null) c.input.std = std;
            if (augment != null) c.input.augment = augment;
            if (onBadRecord != null) c.input.onBadRecord = io.ringtrain.jobs.train.BadRecordPolicy.parse(onBadRecord);
        }
    }

    static final class Cluster {
        @Option(names = "--sharding", description = "replicated (default), partitioned or streaming (Parquet shards in the run folder, streamed each epoch)")
        String sharding;
        @Option(names = "--shuffle-buffer", description = "streaming: records in each replica's shuffle buffer (default 1024)")
        Integer shuffleBuffer;
        @Option(names = "--device", description = "cpu (default), cuda, cuda:N or auto: GEMMs on the GPU Spark assigned to each task; auto falls back to the CPU")
        String device;
        @Option(names = "--max-attempts", description = "attempts of the barrier stage before giving up (default 3)")
        Integer maxAttempts;
        @Option(names = "--collective-timeout-seconds", description = "a dead or stalled peer fails every replica within this time (default 60)")
        Integer collectiveTimeoutSeconds;
        @Option(names = "--slot-wait-seconds", description = "how long to wait for an executor slot per replica before failing with exit code 75 (default 120)")
        Integer slotWaitSeconds;
        @Option(names = "--min-replicas", description = "go on with as few as this many replicas when slots are lost or missing (default: --replicas); "
                + "the global batch and schedule stay, each replica's batch grows")
        Integer minReplicas;
        @Option(names = {"--elastic-wait", "--elastic-wait-seconds"}, description = "seconds to wait for missing slots before going on with fewer replicas (default 30; needs --min-replicas)")
        Integer elasticWaitSeconds;
        @Option(names = "--elastic-grow", description = "back to --replicas at the next epoch boundary when the slots return (needs --min-replicas)")
        Boolean elasticGrow;
        @Option(names = "--straggler-margin", description = "a rank computing this fraction slower than the median rank is a straggler (default 0.2)")
        Double stragglerMargin;
        @Option(names = "--straggler-steps", description = "consecutive steps a rank must be slower by the margin before it is reported (default 5)")
        Integer stragglerSteps;

        void applyTo(TrainJobConfig c) {
            if (sharding != null) c.input.sharding = io.ringtrain.jobs.train.Sharding.parse(sharding);
            if (shuffleBuffer != null) c.input.shuffleBuffer = shuffleBuffer;
            if (device != null) c.model.device = DeviceSetting.parse(device);
            if (maxAttempts != null) c.recovery.maxAttempts = maxAttempts;
            if (collectiveTimeoutSeconds != null) c.recovery.collectiveTimeoutSeconds = collectiveTimeoutSeconds;
            if (slotWaitSeconds != null) c.recovery.slotWaitSeconds = slotWaitSeconds;
            if (minReplicas != null) c.recovery.minReplicas = minReplicas;
            if (elasticWaitSeconds != null) c.recovery.elasticWaitSeconds = elasticWaitSeconds;
            if (elasticGrow != null) c.recovery.elasticGrow = elasticGrow;
            if (stragglerMargin != null) c.recovery.stragglerMargin = stragglerMargin;
            if (stragglerSteps != null) c.recovery.stragglerSteps = stragglerSteps;
        }
    }

    static final class Run {
        @Option(names = "--run-dir", description = "run folder: local path or Hadoop URI (default runs/latest)")
        String runDir;
        @Option(names = {"--checkpoint-every", "--checkpoint-every-steps"}, description = "optimizer steps between checkpoints (default 0: each epoch)")
        Integer checkpointEvery;
        @Option(names = "--keep-checkpoints", description = "checkpoints kept in the run folder (default 3)")
        Integer keepCheckpoints;
        @Option(names = {"--snapshot-every", "--snapshot-every-steps"}, description = "optimizer steps between in-memory snapshots a retry resumes from (default 1; 0: none)")
        Integer snapshotEvery;
        @Option(names = "--initial-weights", description = "warm start: a model.safetensors loaded before training (a checkpoint in the run folder still wins)")
        String initialWeights;

        void applyTo(TrainJobConfig c) {
            if (runDir != null) c.runDir = runDir;
            if (checkpointEvery != null) c.recovery.checkpointEverySteps = checkpointEvery;
            if (keepCheckpoints != null) c.recovery.keepCheckpoints = keepCheckpoints;
            if (snapshotEvery != null) c.recovery.snapshotEverySteps = snapshotEvery;
            if (initialWeights != null) c.model.initialWeights = initialWeights;
        }
    }

    static final class Text {
        @Option(names = "--seq-len", description = "text: characters per training window; text-pairs: padded length (default 64)")
        Integer seqLen;
        @Option(names = "--stride", description = "text: characters between window starts (default: --seq-len)")
        Integer stride;
        @Option(names = "--validation-fraction", description = "share at the end of the file kept for validation (default 0.1)")
        Double validationFraction;
        @Option(names = "--hidden-size", description = "hidden size / d_model (default 256)")
        Integer hiddenSize;
        @Option(names = "--num-layers", description = "layers (default 2)")
        Integer numLayers;
        @Option(names = "--num-heads", description = "Transformer models: attention heads (default 4)")
        Integer numHeads;
        @Option(names = "--sample-length", description = "language models: characters generated after training (default 300; 0: none)")
        Integer sampleLength;
        @Option(names = "--temperature", description = "language models: sampling temperature, 0 is greedy (default 0.8)")
        Double temperature;
        @Option(names = "--prompt", description = "language models: text the sample continues (default a newline)")
        String prompt;

        void applyTo(TrainJobConfig c) {
            if (seqLen != null) c.text.seqLen = seqLen;
            if (stride != null) c.text.stride = stride;
            if (validationFraction != null) c.text.validationFraction = validationFraction;
            if (hiddenSize != null) c.text.hiddenSize = hiddenSize;
            if (numLayers != null) c.text.numLayers = numLayers;
            if (numHeads != null) c.text.numHeads = numHeads;
            if (sampleLength != null) c.text.sampleLength = sampleLength;
            if (temperature != null) c.text.temperature = temperature;
            if (prompt != null) c.text.prompt = prompt;
        }
    }

    /** The config file's settings (or the defaults) with every given flag applied. Picocli leaves a group null when none of its flags is given. */
    TrainJobConfig toConfig() {
        TrainJobConfig c = (training != null ? training : new TrainingOptions()).toConfig();
        if (ownModel != null && (ownModel.modelClass != null || ownModel.modelSpec != null) && training != null && training.model != null) {
            throw new IllegalArgumentException("--model names a built-in model and --model-class/--model-spec your own: pass one of them");
        }
        if (optimizer != null) optimizer.applyTo(c);
        if (data != null) data.applyTo(c);
        if (cluster != null) cluster.applyTo(c);
        if (run != null) run.applyTo(c);
        if (text != null) text.applyTo(c);
        if (ownModel != null) ownModel.applyTo(c); // last: it checks the loss against the format and model set above
        return c;
    }

    @Override
    public Integer call() {
        TrainJobConfig c = toConfig();
        String master = training != null ? training.master : null;
        checkBeforeSpark(c, master, DataPaths.beforeSpark(), Runtime.getRuntime().availableProcessors());
        RunLog.attach(c.runDir); // kept until the JVM exits: Spark logs its shutdown too
        System.out.println("starting Spark" + (master != null ? " (" + master + ")" : "") + "…"); // a few seconds pass before the job's first phase line
        SparkSession spark = SparkSessions.getOrCreate("ringtrain train", master, c.replicas);
        TrainJob.Summary summary = TrainJob.run(spark, c, System.out);
        System.out.print(result(c, summary));
        return 0;
    }

    /** What a finished run prints: the test (validation) result, or that there was no test set, and where the run folder is. */
    static String result(TrainJobConfig c, TrainJob.Summary summary) {
        String nl = System.lineSeparator();
        if (c.trainsOnText() && io.ringtrain.jobs.models.ModelZoo.isTextClassifier(c.model.name)) {
            return String.format(java.util.Locale.ROOT, "validation loss: %.4f nats/text, accuracy %.2f%%", summary.testLoss(), 100 * summary.testAccuracy()) + nl
                    + "run folder: " + summary.runDir() + " (model.safetensors, vocab.json, metrics.jsonl, report.html)" + nl;
        }
        if (c.trainsOnText()) {
            return String.format(java.util.Locale.ROOT, "validation loss: %.4f nats/%s, token accuracy %.2f%%", summary.testLoss(),
                    c.input.textFormat().windows() ? "char" : "sequence (mean over its characters)", 100 * summary.testAccuracy()) + nl
                    + "run folder: " + summary.runDir() + " (model.safetensors, vocab.json, sample.txt, metrics.jsonl, report.html)" + nl;
        }
        String accuracy = Double.isNaN(summary.testAccuracy()) ? "test accuracy: none (no test set; pass --test-data to measure it)"
                : String.format(java.util.Locale.ROOT, "test accuracy: %.2f%%", 100 * summary.testAccuracy());
        return accuracy + nl + "run folder: " + summary.runDir() + " (model.safetensors, metrics.jsonl, report.html)" + nl;
    }

    /** Every setting, the input paths and the cores for a local master, checked before Spark starts and before anything is read or written. */
    static void checkBeforeSpark(TrainJobConfig c, String master, Configuration conf, int cores) {
        c.validate();
        DataPaths.requireExists(c.input.data, "--data", conf);
        if (c.input.testData != null) DataPaths.requireExists(c.input.testData, "--test-data", conf);
        if (c.model.initialWeights != null) DataPaths.requireExists(c.model.initialWeights, "--initial-weights", conf);
        TrainJob.readAugmentSpec(conf, c.input.augment);
        SparkSessions.requireLocalCores(master, c.replicas, cores);
    }
}
