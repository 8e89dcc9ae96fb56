package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.io.Serializable;

/**
 * Everything a distributed training run needs. Public fields so a JSON or YAML config file maps
 * onto it directly (unknown keys are errors); command-line flags override the file. Defaults are
 * the fmnist-cnn recipe.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public class TrainJobConfig implements Serializable {
    /** The model (built-in or the user's), its starting weights and the device; their keys sit beside the others in a config file. */
    @JsonUnwrapped
    public final ModelSettings model = new ModelSettings();

    /**
     * A Java API loss function in place of cross-entropy for an image model ({@link LossFunction}),
     * as Java serialisation in Base64; null for the model's own objective. A bean property like
     * modelFactory: it has no command-line flag.
     */
    private String lossFunction;

    public String getLossFunction() {
        return lossFunction;
    }

    public void setLossFunction(String encoded) {
        this.lossFunction = encoded;
    }

    /** Trains with {@code loss} instead of cross-entropy. */
    public TrainJobConfig lossFunction(LossFunction loss) {
        this.lossFunction = UserLossObjective.encode(loss);
        return this;
    }
    /** Number of replicas = barrier tasks; the cluster must run this many tasks at once. */
    public int replicas = 2;
    public int epochs = 3;
    /** Samples per replica per step (the global batch is replicas × batchSize). */
    public int batchSize = 32;
    /** Optimizer, learning-rate schedule, clipping and accumulation; their keys sit beside the others in a config file. */
    @JsonUnwrapped
    public final OptimizationSettings optimization = new OptimizationSettings();
    /** Gradients on the wire: none (float32) or bf16 (half the bytes; summed gradients rounded to bfloat16). */
    public GradientCompression gradientCompression = GradientCompression.NONE;
    /**
     * BatchNorm statistics over the global batch (SyncBatchNorm, exact W·b equivalence); false:
     * each replica normalises with its own batch (DDP's default), which saves four blocking
     * collectives per step for fmnist-cnn but makes results depend on the replica count.
     */
    public boolean syncBatchNorm = true;
    public long seed = 42;
    /** Data: a folder (idx: the four Fashion-MNIST/MNIST files; image-folder: one sub-folder per class) or a Parquet path. */
    public String data;
    /** Test data; for idx the test split of {@link #data} is used when this is empty. */
    public String testData;
    /**
     * idx, image-folder, parquet, coco (an instances JSON file) or voc (a Pascal VOC folder) for
     * images; text or text-pairs for character sequences (see TextSources).
     */
    public String format = "idx";
    public String imageColumn = "image";
    public String labelColumn = "label";
    /** Classes; for text models the job sets it to the vocabulary size (one class per token). */
    public int numClasses = 10;
    /**
     * Class names, index k naming label k, saved with the model so evaluate and predict map labels
     * by name and show names. image-folder: the training set's sorted folder names when null (set
     * by the job); when given, folders are labelled by their position here and any other folder
     * fails. Other formats: none unless given (labels are indices).
     */
    public java.util.List<String> classNames;
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
    public Sharding sharding = Sharding.REPLICATED;
    /** streaming: records a replica's shuffle buffer holds (besides one batch); 1 keeps the shard's stored order. */
    public int shuffleBuffer = 1024;
    /**
     * fail: a corrupt image, an image of the wrong size or a label outside [0, numClasses) fails the
     * job naming the record; skip: such records are dropped before planning, counted per kind and
     * reported (driver warning, metrics.jsonl, summary.json).
     */
    public BadRecordPolicy onBadRecord = BadRecordPolicy.FAIL;
    /** Run folder: local path or Hadoop URI. */
    public String runDir = "runs/latest";
    /** Checkpoints, snapshots, attempts, timeouts, stragglers and elastic replicas; their keys sit beside the others in a config file. */
    @JsonUnwrapped
    public final RecoverySettings recovery = new RecoverySettings();
    /** The text models' settings (formats text and text-pairs); their keys sit beside the others in a config file. */
    @JsonUnwrapped
    public final TextSettings text = new TextSettings();

    /** The keys of the unwrapped parts ({@link #model}, {@link #optimization}, {@link #recovery}, {@link #text}): their properties as Jackson names them. */
    private static final java.util.Set<String> PART_KEYS = partKeys();

    private static java.util.Set<String> partKeys() {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        return java.util.Arrays.stream(TrainJobConfig.class.getFields()).filter(f -> f.isAnnotationPresent(JsonUnwrapped.class))
                .flatMap(f -> json.getDeserializationConfig().introspect(json.constructType(f.getType())).findProperties().stream())
                .map(com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition::getName)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * A key that is neither a field here nor one of a part's ({@link #PART_KEYS}): an error naming
     * it. Jackson hands every key it does not map to a field of this class here, the keys of
     * unwrapped parts included, and does not fail on unknown keys by itself once a part is
     * unwrapped, so this is what keeps a misspelt key from being ignored silently.
     */
    @JsonAnySetter
    private void otherKey(String key, Object value) {
        if (!PART_KEYS.contains(key)) {
            throw new IllegalArgumentException("unknown training setting '" + key + "'; the keys are the train command's flags in camelCase (ringtrain train --help)");
        }
    }

    public boolean trainsOnText() {
        return io.ringtrain.jobs.data.formats.DataFormats.isText(format);
    }

    /** Fails with a message naming the first bad setting. */
    public void validate() {
        requireChosen(sharding, "sharding", Sharding.values());
        requireChosen(onBadRecord, "onBadRecord", BadRecordPolicy.values());
        requireChosen(gradientCompression, "gradientCompression", GradientCompression.values());
        require(replicas >= 1, "replicas", replicas, "≥ 1");
        require(epochs >= 1, "epochs", epochs, "≥ 1");
        require(batchSize >= 1, "batchSize", batchSize, "≥ 1");
        model.validate();
        optimization.validate();
        recovery.validate();
        requireElasticSettings();
        require(trainsOnText() || numClasses >= 2, "numClasses", numClasses, "≥ 2");
        require(data != null && !data.isBlank(), "data", data, "a dataset path: pass --data");
        require(trainsOnText() || inputShape != null && inputShape.length == 3, "inputShape", java.util.Arrays.toString(inputShape), "[channels, height, width]");
        require(io.ringtrain.jobs.data.formats.DataFormats.find(format).isPresent(), "format", format,
                io.ringtrain.jobs.data.formats.DataFormats.alternatives(io.ringtrain.jobs.data.formats.DataFormats.names()));
        if (trainsOnText()) {
            require(!model.ownsModel(), "format", format, "an image format: modelClass, modelSpec and model factories build image classifiers");
            require(io.ringtrain.jobs.models.ModelZoo.isText(model.name), "model", model.name, "a text model " + io.ringtrain.jobs.models.ModelZoo.TEXT_NAMES + " for format " + format);
            require(io.ringtrain.jobs.models.ModelZoo.textFormatOf(model.name).equals(format), "format", format,
                    io.ringtrain.jobs.models.ModelZoo.textFormatOf(model.name) + " for model " + model.name);
            text.validate();
            require(augment == null, "augment", augment, "none: augmentation applies to images");
        } else {
            require(!io.ringtrain.jobs.models.ModelZoo.isText(model.name), "format", format, io.ringtrain.jobs.models.ModelZoo.textFormatOf(model.name) + " for the text model " + model.name);
            if (!model.ownsModel()) io.ringtrain.jobs.models.ModelZoo.requireFits(model.name, inputShape, numClasses);
        }
        if (model.ownsModel()) model.recipe().requireFits(inputShape, numClasses);
        require(!trainsOnText() || sharding != Sharding.STREAMING, "sharding", sharding, "replicated or partitioned for text (streaming reads image shards)");
        require(shuffleBuffer >= 1, "shuffleBuffer", shuffleBuffer, "≥ 1");
        if (classNames != null) {
            require(!trainsOnText(), "classNames", classNames, "none for text models (their classes are the vocabulary)");
            require(classNames.size() <= numClasses && new java.util.HashSet<>(classNames).size() == classNames.size()
                    && classNames.stream().noneMatch(n -> n == null || n.isBlank()), "classNames", classNames,
                    "at most numClasses (" + numClasses + ") distinct, non-empty names");
        }
        if (!trainsOnText() && (mean != null || std != null)) {
            require(mean != null && std != null && mean.length == inputShape[0] && std.length == inputShape[0], "mean/std",
                    java.util.Arrays.toString(mean) + "/" + java.util.Arrays.toString(std), "one value per input channel");
            for (int ch = 0; ch < mean.length; ch++) {
                require(Float.isFinite(mean[ch]) && Float.isFinite(std[ch]) && std[ch] > 0, "mean/std",
                        java.util.Arrays.toString(mean) + "/" + java.util.Arrays.toString(std), "finite values, std > 0");
            }
        }
    }

    /** minReplicas, elasticWaitSeconds and elasticGrow: each meaningful, and a global batch every allowed replica count keeps exactly. */
    private void requireElasticSettings() {
        int min = ElasticReplicas.minReplicas(this);
        require(min >= 1 && min <= replicas, "minReplicas", recovery.minReplicas, "in [1, replicas = " + replicas + "]");
        if (min == replicas) {
            require(recovery.elasticWaitSeconds == null, "elasticWaitSeconds", recovery.elasticWaitSeconds, "unset unless minReplicas is below replicas (the job never goes on with fewer)");
            require(!recovery.elasticGrow, "elasticGrow", recovery.elasticGrow, "false unless minReplicas is below replicas (the job never shrinks, so it never grows back)");
            return;
        }
        require(sharding == Sharding.REPLICATED, "sharding", sharding, "replicated when minReplicas is below replicas (partitioned and streaming shards are cut per replica)");
        require(syncBatchNorm, "syncBatchNorm", syncBatchNorm, "true when minReplicas is below replicas (per-replica BatchNorm statistics would change with the replica count)");
        int uneven = ElasticReplicas.firstUnevenCount(replicas, min, batchSize);
        require(uneven == 0, "minReplicas", recovery.minReplicas, "a range of replica counts that all split the global batch " + replicas + " × " + batchSize + " = "
                + (long) replicas * batchSize + " evenly, but " + uneven + " replicas cannot; raise minReplicas or pick a batchSize that makes it divisible");
    }

    /** A closed setting is parsed when set ({@link SettingNames}); here it can only be missing (null in a config file). */
    static void requireChosen(Enum<?> value, String key, Enum<?>[] allowed) {
        if (value == null) throw SettingNames.invalid(key, null, allowed);
    }

    static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) throw new IllegalArgumentException("training setting '" + key + "' = " + value + " is invalid: expected " + expected);
    }
}
