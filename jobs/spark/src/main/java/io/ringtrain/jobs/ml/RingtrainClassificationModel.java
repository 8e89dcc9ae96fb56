package io.ringtrain.jobs.ml;

import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.predict.PredictJob;
import io.ringtrain.jobs.run.JobDescription;
import io.ringtrain.jobs.run.RunFolder;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.col;

/**
 * A trained ringtrain classifier as a Spark ML {@link Model}: {@link #transform} appends Spark ML's
 * classifier columns to every row, in parallel over the partitions ({@link PredictJob}, the weights
 * sent as a broadcast): {@code rawPredictionCol} (the logits, an ML vector), {@code probabilityCol}
 * (the softmax, an ML vector) and {@code predictionCol} (the arg-max class, double), so Spark's
 * evaluators, {@code CrossValidator} and {@code Pipeline} take the output as it is.
 *
 * <p>The model reads images, not a feature vector: {@code featuresCol} names the binary column of
 * encoded PNG/JPEG images (default {@code image}); DataFrames in the {@code DataSources} layout are
 * read in that layout whatever it names. That is why this is no {@code ProbabilisticClassificationModel},
 * whose schema check demands a vector column and which predicts one row at a time.
 *
 * <p>ML persistence: {@code save(path)} writes Spark's params metadata ({@code path/metadata}) and
 * the weights with their settings and normalisation ({@code path/weights/model.safetensors});
 * {@link #load} restores both.
 */
public final class RingtrainClassificationModel extends Model<RingtrainClassificationModel> implements MLWritable {
    static final String WEIGHTS = "weights/model.safetensors";

    private final String uid;
    private final SavedModel saved;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;
    private final IntParam inferenceBatchSize;

    public RingtrainClassificationModel(String uid, SavedModel saved) {
        this.uid = uid;
        this.saved = saved;
        this.featuresCol = new Param<>(this, "featuresCol", RingtrainClassifier.FEATURES_DOC);
        this.predictionCol = new Param<>(this, "predictionCol", "output column: the predicted class (double)");
        this.probabilityCol = new Param<>(this, "probabilityCol", "output column: the class probabilities (vector)");
        this.rawPredictionCol = new Param<>(this, "rawPredictionCol", "output column: the logits, before the softmax (vector)");
        this.inferenceBatchSize = new IntParam(this, "inferenceBatchSize", "samples per forward pass in transform");
        setDefault(featuresCol, "image");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
        setDefault(inferenceBatchSize, PredictJob.DEFAULT_BATCH_SIZE);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The model, its settings and normalisation. */
    public SavedModel savedModel() {
        return saved;
    }

    /** The number of classes: the length of the probability and rawPrediction vectors. */
    public int numClasses() {
        return saved.numClasses();
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public IntParam inferenceBatchSize() {
        return inferenceBatchSize;
    }

    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    public String getProbabilityCol() {
        return getOrDefault(probabilityCol);
    }

    public String getRawPredictionCol() {
        return getOrDefault(rawPredictionCol);
    }

    public int getInferenceBatchSize() {
        return (Integer) getOrDefault(inferenceBatchSize);
    }

    public RingtrainClassificationModel setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public RingtrainClassificationModel setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    public RingtrainClassificationModel setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    public RingtrainClassificationModel setRawPredictionCol(String value) {
        set(rawPredictionCol, value);
        return this;
    }

    public RingtrainClassificationModel setInferenceBatchSize(int value) {
        set(inferenceBatchSize, value);
        return this;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String prediction = getPredictionCol(), probability = getProbabilityCol(), raw = getRawPredictionCol();
        Dataset<Row> predicted = PredictJob.predict(dataset.toDF(), saved, getFeaturesCol(), prediction, probability, raw, getInferenceBatchSize());
        return predicted.withColumn(prediction, col(prediction).cast(DataTypes.DoubleType))
                .withColumn(probability, array_to_vector(col(probability)))
                .withColumn(raw, array_to_vector(col(raw)));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!DatasetColumns.matches(schema) && !Arrays.asList(schema.fieldNames()).contains(getFeaturesCol())) {
            throw new IllegalArgumentException("the DataFrame has neither the DataSources layout nor the image column '" + getFeaturesCol()
                    + "' (its columns: " + String.join(", ", schema.fieldNames()) + "); setFeaturesCol to the column of encoded images");
        }
        return outputSchema(schema, getPredictionCol(), getProbabilityCol(), getRawPredictionCol());
    }

    /** {@code input} with Spark ML's classifier columns appended, in the order transform appends them. */
    static StructType outputSchema(StructType input, String prediction, String probability, String rawPrediction) {
        for (String column : new String[] {prediction, probability, rawPrediction}) {
            if (column.isBlank()) {
                throw new IllegalArgumentException("an empty output column name (predictionCol '" + prediction + "', probabilityCol '" + probability
                        + "', rawPredictionCol '" + rawPrediction + "'): ringtrain always writes all three; name each, and drop the ones you don't need");
            }
        }
        return input.add(prediction, DataTypes.DoubleType, false)
                .add(probability, SQLDataTypes.VectorType(), true)
                .add(rawPrediction, SQLDataTypes.VectorType(), true);
    }

    @Override
    public RingtrainClassificationModel copy(ParamMap extra) {
        RingtrainClassificationModel copy = copyValues(new RingtrainClassificationModel(uid, saved), extra);
        return copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<RingtrainClassificationModel> read() {
        return new Reader();
    }

    public static RingtrainClassificationModel load(String path) {
        return read().load(path);
    }

    /** Params metadata (Spark's layout) + the weights file. */
    static final class Writer extends MLWriter {
        private final RingtrainClassificationModel instance;

        Writer(RingtrainClassificationModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            try (var job = JobDescription.open(sc(), "ringtrain: save RingtrainClassificationModel " + instance.uid() + " to " + path)) {
                DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
            }
            new RunFolder(path).writeBytes(sc().hadoopConfiguration(), WEIGHTS, instance.saved.toSafetensors());
        }
    }

    static final class Reader extends MLReader<RingtrainClassificationModel> {
        @Override
        public RingtrainClassificationModel load(String path) {
            DefaultParamsReader.Metadata metadata;
            try (var job = JobDescription.open(sc(), "ringtrain: load RingtrainClassificationModel from " + path)) {
                metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), RingtrainClassificationModel.class.getName());
            }
            Path weights = new Path(path, WEIGHTS);
            byte[] bytes;
            try (InputStream in = weights.getFileSystem(sc().hadoopConfiguration()).open(weights)) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + weights + " (a RingtrainClassificationModel saved there has it): " + e.getMessage(), e);
            }
            RingtrainClassificationModel model = new RingtrainClassificationModel(metadata.uid(),
                    SavedModel.fromBytes(bytes, weights.toString(), null, null, null, null));
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
