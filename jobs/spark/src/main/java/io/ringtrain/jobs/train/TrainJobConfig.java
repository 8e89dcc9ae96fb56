package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.io.Serializable;

/**
 * Everything a distributed training run needs: the run's shape (replicas, epochs, batch, seed, run
 * folder) here, the rest in parts that each own and check their settings ({@link #model},
 * {@link #input}, {@link #optimization}, {@link #recovery}, {@link #text}); this class checks what
 * spans parts. Public fields so a JSON or YAML config file maps onto it directly, the parts' keys
 * flat beside the others (unknown keys are errors); command-line flags override the file. Defaults
 * are the fmnist-cnn recipe.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public class TrainJobConfig implements Serializable {
    /** The model (built-in or the user's), its starting weights and the device; their keys sit beside the others in a config file. */
    @JsonUnwrapped
    public final ModelSettings model = new ModelSettings();

    /**
     * A user's loss function in place of cross-entropy for an image model ({@link LossFunction}),
     * as Java serialisation in Base64; null for the model's own objective. A bean property like
     * modelFactory: the command line names a class instead ({@code --loss-class}, {@link UserLossClass}).
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
        this.lossFunction = LossFunction.encode(loss);
        return this;
    }
    /** Number of replicas = barrier tasks; the cluster must run this many tasks at once. */
    public int replicas = 2;
    public int epochs = 3;
    /**
     * Ends training at the first epoch end whose test accuracy is at least this fraction, in (0, 1];
     * null: every epoch runs. The learning-rate schedule still spans {@link #epochs}, so the weights
     * are those the full run has at that epoch. Needs test data.
     */
    public Double stopAtAccuracy;
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
    /** The data, its format and shape, classes, normalisation, augmentation, sharding and bad records; their keys sit beside the others in a config file. */
    @JsonUnwrapped
    public final InputSettings input = new InputSettings();
    /** Run folder: local path or Hadoop URI. */
    public String runDir = "runs/latest";
    /** Checkpoints, snapshots, attempts, timeouts, stragglers and elastic replicas; their keys sit beside the others in a config file. */
    @JsonUnwrapped
    public final RecoverySettings recovery = new RecoverySettings();
    /** The text models' settings (formats text and text-pairs); their keys sit beside the others in a config file. */
    @JsonUnwrapped
    public final TextSettings text = new TextSettings();

    /** The keys of the unwrapped parts ({@link #model}, {@link #input}, {@link #optimization}, {@link #recovery}, {@link #text}): their properties as Jackson names them. */
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

    /** Whether the format is a text format (the job trains a text model on character sequences) rather than an image one. */
    public boolean trainsOnText() {
        return input.format != null && input.format.isText();
    }

    /** Fails with a message naming the first bad setting. */
    public void validate() {
        requireChosen(gradientCompression, "gradientCompression", GradientCompression.values());
        require(replicas >= 1, "replicas", replicas, "≥ 1");
        require(epochs >= 1, "epochs", epochs, "≥ 1");
        require(stopAtAccuracy == null || (stopAtAccuracy > 0 && stopAtAccuracy <= 1), "stopAtAccuracy", stopAtAccuracy, "a fraction in (0, 1], or unset");
        require(batchSize >= 1, "batchSize", batchSize, "≥ 1");
        input.validate();
        model.validate();
        optimization.validate();
        recovery.validate();
        requireElasticSettings();
        io.ringtrain.jobs.data.formats.DataFormat format = input.format;
        if (trainsOnText()) {
            require(!model.ownsModel(), "format", format, "an image format: modelClass, modelSpec and model factories build image classifiers");
            require(io.ringtrain.jobs.models.ModelZoo.isText(model.name), "model", model.name, "a text model " + io.ringtrain.jobs.models.ModelZoo.TEXT_NAMES + " for format " + format);
            require(io.ringtrain.jobs.models.ModelZoo.textFormatOf(model.name).equals(format), "format", format,
                    io.ringtrain.jobs.models.ModelZoo.textFormatOf(model.name) + " for model " + model.name);
            require(lossFunction == null, "lossFunction", "(a loss function)", "unset for format " + format + ": model " + model.name
                    + " trains with its own objective; a loss function trains image classifiers");
            text.validate();
        } else {
            require(!io.ringtrain.jobs.models.ModelZoo.isText(model.name), "format", format, io.ringtrain.jobs.models.ModelZoo.textFormatOf(model.name) + " for the text model " + model.name);
            if (!model.ownsModel()) io.ringtrain.jobs.models.ModelZoo.requireFits(model.name, input.inputShape, input.numClasses);
        }
        if (model.ownsModel()) model.recipe().requireFits(input.inputShape, input.numClasses);
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
        require(input.sharding == Sharding.REPLICATED, "sharding", input.sharding, "replicated when minReplicas is below replicas (partitioned and streaming shards are cut per replica)");
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
