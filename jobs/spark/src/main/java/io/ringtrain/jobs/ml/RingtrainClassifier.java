package io.ringtrain.jobs.ml;

import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.run.JobDescription;
import io.ringtrain.jobs.train.DeviceSetting;
import io.ringtrain.jobs.train.GradientCompression;
import io.ringtrain.jobs.train.OptimizerChoice;
import io.ringtrain.jobs.train.ScheduleChoice;
import io.ringtrain.jobs.train.Sharding;
import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.text.SimpleDateFormat;
import java.util.Arrays;
import java.util.Date;

/**
 * Distributed training as a Spark ML {@link Estimator}: {@link #fit} runs {@link TrainJob} (one
 * replica per barrier task) on the DataFrame and returns a {@link RingtrainClassificationModel}.
 * The training options are {@code Param}s with {@link TrainJobConfig}'s defaults; the model is a
 * built-in one ({@code model}) or the user's ({@code modelFactory}, a serialisable
 * {@link io.ringtrain.jobs.models.ModelFactory}), trained with cross-entropy or the user's
 * {@code lossFunction} (recorded in the fitted model's provenance). The DataFrame is
 * either in the {@code DataSources} layout or holds encoded PNG/JPEG bytes in {@code featuresCol} and an
 * integer label in {@code labelCol}. The output columns and their types are Spark ML's (see
 * {@link RingtrainClassificationModel}), and every Param is a Spark {@code Param}, so
 * {@code CrossValidator} and {@code TrainValidationSplit} can search a grid over, e.g., {@code lr} or {@code epochs}.
 *
 * <p>Every {@code fit} writes its own run folder (checkpoints, model, metrics, report) under
 * {@code runDir}, named after the time it started and a random suffix, so no fit ever resumes
 * another one's checkpoints (not even the parallel fits of a {@code CrossValidator}). Saved and loaded with ML persistence (params only, in {@code DefaultParamsWritable}'s layout).
 */
public final class RingtrainClassifier extends Estimator<RingtrainClassificationModel> implements MLWritable {
    static final String FEATURES_DOC = "the model's input: a binary column of encoded PNG/JPEG images "
            + "(ignored for DataFrames in the DataSources layout, which are read in that layout)";

    private final String uid;
    private final Param<String> model;
    private final ModelFactoryParam modelFactory;
    private final LossFunctionParam lossFunction;
    private final IntParam replicas;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final Param<String> optimizer;
    private final DoubleParam lr;
    private final DoubleParam momentum;
    private final DoubleParam weightDecay;
    private final Param<String> schedule;
    private final IntParam warmupSteps;
    private final LongParam seed;
    private final Param<String> augment;
    private final Param<String> sharding;
    private final IntParam numClasses;
    private final IntArrayParam inputShape;
    private final Param<String> runDir;
    private final IntParam maxAttempts;
    private final Param<String> gradientCompression;
    private final BooleanParam syncBatchNorm;
    private final Param<String> device;
    private final BooleanParam quiet;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    public RingtrainClassifier() {
        this(Identifiable$.MODULE$.randomUID("ringtrainClassifier"));
    }

    /** The constructor ML persistence calls when loading. */
    public RingtrainClassifier(String uid) {
        this.uid = uid;
        TrainJobConfig d = new TrainJobConfig();
        model = new Param<>(this, "model", "built-in model: " + String.join(", ", io.ringtrain.jobs.models.ModelZoo.NAMES));
        modelFactory = new ModelFactoryParam(this, "modelFactory", "your model instead of a built-in one: a serialisable "
                + "ModelFactory (int[] inputShape, int numClasses) -> Module, e.g. MyNet::new; unset by default");
        lossFunction = new LossFunctionParam(this, "lossFunction", "your loss in place of cross-entropy: a serialisable LossFunction "
                + "(logits, batch) -> the batch's summed loss; recorded with the fitted model, whose evaluation reports it; unset by default");
        replicas = new IntParam(this, "replicas", "model replicas = barrier tasks; the cluster must run this many tasks at once");
        epochs = new IntParam(this, "epochs", "passes over the training data");
        batchSize = new IntParam(this, "batchSize", "samples per replica per step (the global batch is replicas × batchSize)");
        optimizer = new Param<>(this, "optimizer", "sgd or adamw");
        lr = new DoubleParam(this, "lr", "learning rate");
        momentum = new DoubleParam(this, "momentum", "SGD momentum");
        weightDecay = new DoubleParam(this, "weightDecay", "weight decay");
        schedule = new Param<>(this, "schedule", "learning-rate schedule: cosine, step or constant");
        warmupSteps = new IntParam(this, "warmupSteps", "linear warm-up steps");
        seed = new LongParam(this, "seed", "random seed (initialisation, shuffling, augmentation)");
        augment = new Param<>(this, "augment", "augmentation spec: a JSON/YAML file or the spec text; empty for none");
        sharding = new Param<>(this, "sharding", "replicated (every replica holds the data) or partitioned (one shard each)");
        numClasses = new IntParam(this, "numClasses", "number of classes");
        inputShape = new IntArrayParam(this, "inputShape", "model input [channels, height, width]");
        runDir = new Param<>(this, "runDir", "folder (local or Hadoop URI) under which each fit writes its run folder");
        maxAttempts = new IntParam(this, "maxAttempts", "attempts of the barrier stage; later ones resume from the latest checkpoint");
        gradientCompression = new Param<>(this, "gradientCompression", "gradients on the wire: none (float32) or bf16 (half the bytes)");
        syncBatchNorm = new BooleanParam(this, "syncBatchNorm", "BatchNorm statistics over all replicas (true) or per replica (false)");
        device = new Param<>(this, "device", "cpu, cuda, cuda:N or auto (each task takes the GPU Spark assigned to it)");
        quiet = new BooleanParam(this, "quiet", "no progress bar on the driver's console");
        featuresCol = new Param<>(this, "featuresCol", FEATURES_DOC);
        labelCol = new Param<>(this, "labelCol", "integer label column (ignored for DataFrames in the DataSources layout)");
        predictionCol = new Param<>(this, "predictionCol", "the model's output column: the predicted class (double)");
        probabilityCol = new Param<>(this, "probabilityCol", "the model's output column: the class probabilities (vector)");
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "the model's output column: the logits, before the softmax (vector)");
        setDefault(model, d.model.name);
        setDefault(replicas, d.replicas);
        setDefault(epochs, d.epochs);
        setDefault(batchSize, d.batchSize);
        setDefault(optimizer, d.optimization.optimizer.toString());
        setDefault(lr, d.optimization.lr);
        setDefault(momentum, d.optimization.momentum);
        setDefault(weightDecay, d.optimization.weightDecay);
        setDefault(schedule, d.optimization.schedule.toString());
        setDefault(warmupSteps, d.optimization.warmupSteps);
        setDefault(seed, d.seed);
        setDefault(augment, "");
        setDefault(sharding, d.input.sharding.toString());
        setDefault(numClasses, d.input.numClasses);
        setDefault(inputShape, d.input.inputShape);
        setDefault(runDir, System.getProperty("java.io.tmpdir") + "/ringtrain-ml");
        setDefault(maxAttempts, d.recovery.maxAttempts);
        setDefault(gradientCompression, d.gradientCompression.toString());
        setDefault(syncBatchNorm, d.syncBatchNorm);
        setDefault(device, d.model.device.toString());
        setDefault(quiet, false);
        setDefault(featuresCol, "image");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The training settings these params describe; {@code data} names the DataFrame in the model's provenance. */
    public TrainJobConfig toConfig(String runFolder) {
        TrainJobConfig c = new TrainJobConfig();
        c.model.name = getOrDefault(model);
        if (isDefined(modelFactory)) {
            if (isSet(model)) throw new IllegalArgumentException("RingtrainClassifier: set either model (a built-in one) or modelFactory (yours), not both");
            c.model.factory(getOrDefault(modelFactory));
        }
        if (isDefined(lossFunction)) c.lossFunction(getOrDefault(lossFunction));
        c.replicas = (Integer) getOrDefault(replicas);
        c.epochs = (Integer) getOrDefault(epochs);
        c.batchSize = (Integer) getOrDefault(batchSize);
        c.optimization.optimizer = OptimizerChoice.parse(getOrDefault(optimizer));
        c.optimization.lr = (Double) getOrDefault(lr);
        c.optimization.momentum = (Double) getOrDefault(momentum);
        c.optimization.weightDecay = (Double) getOrDefault(weightDecay);
        c.optimization.schedule = ScheduleChoice.parse(getOrDefault(schedule));
        c.optimization.warmupSteps = (Integer) getOrDefault(warmupSteps);
        c.seed = (Long) getOrDefault(seed);
        String spec = getOrDefault(augment);
        c.input.augment = spec.isBlank() ? null : spec;
        c.input.sharding = Sharding.parse(getOrDefault(sharding));
        c.input.numClasses = (Integer) getOrDefault(numClasses);
        c.input.inputShape = getOrDefault(inputShape).clone();
        c.recovery.maxAttempts = (Integer) getOrDefault(maxAttempts);
        c.gradientCompression = GradientCompression.parse(getOrDefault(gradientCompression));
        c.syncBatchNorm = (Boolean) getOrDefault(syncBatchNorm);
        c.model.device = DeviceSetting.parse(getOrDefault(device));
        c.runDir = runFolder;
        c.input.data = "DataFrame (Spark ML " + uid + ")";
        return c;
    }

    @Override
    public RingtrainClassificationModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        Dataset<Row> layout = DatasetColumns.matches(df.schema()) ? df : DataSources.fromDataFrame(df, getFeaturesCol(), getLabelCol(), null);
        String runFolder = runFolder(getRunDir(), new Date());
        TrainJobConfig config = toConfig(runFolder);
        java.io.PrintStream console = (Boolean) getOrDefault(quiet) ? new java.io.PrintStream(java.io.OutputStream.nullOutputStream()) : System.out;
        TrainJob.run(df.sparkSession(), config, layout, null, console);
        SavedModel saved = SavedModel.fromRunFolder(runFolder, df.sparkSession().sparkContext().hadoopConfiguration());
        RingtrainClassificationModel fitted = new RingtrainClassificationModel(uid, saved);
        fitted.setFeaturesCol(getFeaturesCol()).setPredictionCol(getOrDefault(predictionCol)).setProbabilityCol(getOrDefault(probabilityCol))
                .setRawPredictionCol(getOrDefault(rawPredictionCol));
        return fitted.setParent(this);
    }

    /** A fit's own run folder under {@code runDir}: fits started in the same millisecond get different ones. */
    static String runFolder(String runDir, Date started) {
        return runDir + "/fit-" + new SimpleDateFormat("yyyyMMdd-HHmmss-SSS").format(started) + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!DatasetColumns.matches(schema)) {
            for (String column : new String[] {getFeaturesCol(), getLabelCol()}) {
                if (!Arrays.asList(schema.fieldNames()).contains(column)) {
                    throw new IllegalArgumentException("the training DataFrame has neither the DataSources layout nor the column '" + column
                            + "' (its columns: " + String.join(", ", schema.fieldNames()) + "); set featuresCol/labelCol or read the data with DataSources");
                }
            }
        }
        return RingtrainClassificationModel.outputSchema(schema, getOrDefault(predictionCol), getOrDefault(probabilityCol), getOrDefault(rawPredictionCol));
    }

    @Override
    public RingtrainClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new ParamsWriter(this);
    }

    public static MLReader<RingtrainClassifier> read() {
        return new ParamsReader();
    }

    public static RingtrainClassifier load(String path) {
        return read().load(path);
    }

    /** Spark's params metadata, as {@code DefaultParamsWritable} writes it, in a described job. */
    static final class ParamsWriter extends MLWriter {
        private final RingtrainClassifier instance;

        ParamsWriter(RingtrainClassifier instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            try (var job = JobDescription.open(sc(), "ringtrain: save RingtrainClassifier " + instance.uid() + " to " + path)) {
                DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
            }
        }
    }

    static final class ParamsReader extends MLReader<RingtrainClassifier> {
        @Override
        public RingtrainClassifier load(String path) {
            try (var job = JobDescription.open(sc(), "ringtrain: load RingtrainClassifier from " + path)) {
                return new DefaultParamsReader<RingtrainClassifier>().session(sparkSession()).load(path);
            }
        }
    }

    // ---------------------------------------------------------------- params: accessors and setters

    public Param<String> model() { return model; }
    public Param<io.ringtrain.jobs.models.ModelFactory> modelFactory() { return modelFactory; }
    public Param<io.ringtrain.jobs.train.LossFunction> lossFunction() { return lossFunction; }
    public IntParam replicas() { return replicas; }
    public IntParam epochs() { return epochs; }
    public IntParam batchSize() { return batchSize; }
    public Param<String> optimizer() { return optimizer; }
    public DoubleParam lr() { return lr; }
    public DoubleParam momentum() { return momentum; }
    public DoubleParam weightDecay() { return weightDecay; }
    public Param<String> schedule() { return schedule; }
    public IntParam warmupSteps() { return warmupSteps; }
    public LongParam seed() { return seed; }
    public Param<String> augment() { return augment; }
    public Param<String> sharding() { return sharding; }
    public IntParam numClasses() { return numClasses; }
    public IntArrayParam inputShape() { return inputShape; }
    public Param<String> runDir() { return runDir; }
    public IntParam maxAttempts() { return maxAttempts; }
    public Param<String> gradientCompression() { return gradientCompression; }
    public BooleanParam syncBatchNorm() { return syncBatchNorm; }
    public Param<String> device() { return device; }
    public BooleanParam quiet() { return quiet; }
    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> rawPredictionCol() { return rawPredictionCol; }

    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    public String getLabelCol() { return getOrDefault(labelCol); }
    public String getRunDir() { return getOrDefault(runDir); }

    public RingtrainClassifier setModel(String v) { set(model, v); return this; }
    public RingtrainClassifier setModelFactory(io.ringtrain.jobs.models.ModelFactory v) { set(modelFactory, v); return this; }
    public RingtrainClassifier setLossFunction(io.ringtrain.jobs.train.LossFunction v) { set(lossFunction, v); return this; }
    public RingtrainClassifier setReplicas(int v) { set(replicas, v); return this; }
    public RingtrainClassifier setEpochs(int v) { set(epochs, v); return this; }
    public RingtrainClassifier setBatchSize(int v) { set(batchSize, v); return this; }
    public RingtrainClassifier setOptimizer(String v) { set(optimizer, v); return this; }
    public RingtrainClassifier setLr(double v) { set(lr, v); return this; }
    public RingtrainClassifier setMomentum(double v) { set(momentum, v); return this; }
    public RingtrainClassifier setWeightDecay(double v) { set(weightDecay, v); return this; }
    public RingtrainClassifier setSchedule(String v) { set(schedule, v); return this; }
    public RingtrainClassifier setWarmupSteps(int v) { set(warmupSteps, v); return this; }
    public RingtrainClassifier setSeed(long v) { set(seed, v); return this; }
    public RingtrainClassifier setAugment(String v) { set(augment, v); return this; }
    public RingtrainClassifier setSharding(String v) { set(sharding, v); return this; }
    public RingtrainClassifier setNumClasses(int v) { set(numClasses, v); return this; }
    public RingtrainClassifier setInputShape(int[] v) { set(inputShape, v); return this; }
    public RingtrainClassifier setRunDir(String v) { set(runDir, v); return this; }
    public RingtrainClassifier setMaxAttempts(int v) { set(maxAttempts, v); return this; }
    public RingtrainClassifier setGradientCompression(String v) { set(gradientCompression, v); return this; }
    public RingtrainClassifier setSyncBatchNorm(boolean v) { set(syncBatchNorm, v); return this; }
    public RingtrainClassifier setDevice(String v) { set(device, v); return this; }
    public RingtrainClassifier setQuiet(boolean v) { set(quiet, v); return this; }
    public RingtrainClassifier setFeaturesCol(String v) { set(featuresCol, v); return this; }
    public RingtrainClassifier setLabelCol(String v) { set(labelCol, v); return this; }
    public RingtrainClassifier setPredictionCol(String v) { set(predictionCol, v); return this; }
    public RingtrainClassifier setProbabilityCol(String v) { set(probabilityCol, v); return this; }
    public RingtrainClassifier setRawPredictionCol(String v) { set(rawPredictionCol, v); return this; }
}
