package io.ringtrain.jobs.ml;

import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.predict.PredictJob;
import io.ringtrain.jobs.run.RunFolder;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
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

/**
 * A trained ringtrain classifier as a Spark ML {@link Model}: {@link #transform} appends the
 * predicted class ({@code predictionCol}, int) and the class probabilities ({@code probabilityCol},
 * array&lt;float&gt;) to every row, in parallel over the partitions ({@link PredictJob}). Input rows
 * are either in the {@code DataSources} layout or carry encoded PNG/JPEG bytes in {@code imageCol}.
 *
 * <p>ML persistence: {@code save(path)} writes Spark's params metadata ({@code path/metadata}) and
 * the weights with their settings and normalisation ({@code path/weights/model.safetensors});
 * {@link #load} restores both.
 */
public final class RingtrainClassificationModel extends Model<RingtrainClassificationModel> implements MLWritable {
    static final String WEIGHTS = "weights/model.safetensors";

    private final String uid;
    private final SavedModel saved;
    private final Param<String> imageCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final IntParam inferenceBatchSize;

    public RingtrainClassificationModel(String uid, SavedModel saved) {
        this.uid = uid;
        this.saved = saved;
        this.imageCol = new Param<>(this, "imageCol", "binary column of encoded PNG/JPEG images (ignored for DataFrames in the DataSources layout)");
        this.predictionCol = new Param<>(this, "predictionCol", "output column: the predicted class (int)");
        this.probabilityCol = new Param<>(this, "probabilityCol", "output column: the class probabilities (array<float>)");
        this.inferenceBatchSize = new IntParam(this, "inferenceBatchSize", "samples per forward pass in transform");
        setDefault(imageCol, "image");
        setDefault(predictionCol, PredictJob.PREDICTION);
        setDefault(probabilityCol, PredictJob.PROBABILITY);
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

    public Param<String> imageCol() {
        return imageCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public IntParam inferenceBatchSize() {
        return inferenceBatchSize;
    }

    public String getImageCol() {
        return getOrDefault(imageCol);
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    public String getProbabilityCol() {
        return getOrDefault(probabilityCol);
    }

    public int getInferenceBatchSize() {
        return (Integer) getOrDefault(inferenceBatchSize);
    }

    public RingtrainClassificationModel setImageCol(String value) {
        set(imageCol, value);
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

    public RingtrainClassificationModel setInferenceBatchSize(int value) {
        set(inferenceBatchSize, value);
        return this;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        return PredictJob.predict(dataset.toDF(), saved, getImageCol(), getPredictionCol(), getProbabilityCol(), getInferenceBatchSize());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!DatasetColumns.matches(schema) && !Arrays.asList(schema.fieldNames()).contains(getImageCol())) {
            throw new IllegalArgumentException("the DataFrame has neither the DataSources layout nor the image column '" + getImageCol()
                    + "' (its columns: " + String.join(", ", schema.fieldNames()) + "); setImageCol to the column of encoded images");
        }
        return schema.add(getPredictionCol(), DataTypes.IntegerType, false)
                .add(getProbabilityCol(), DataTypes.createArrayType(DataTypes.FloatType, false), false);
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
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
            new RunFolder(path).writeBytes(sc().hadoopConfiguration(), WEIGHTS, instance.saved.toSafetensors());
        }
    }

    static final class Reader extends MLReader<RingtrainClassificationModel> {
        @Override
        public RingtrainClassificationModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                    RingtrainClassificationModel.class.getName());
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
