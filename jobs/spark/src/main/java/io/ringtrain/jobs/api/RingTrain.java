package io.ringtrain.jobs.api;

import io.ringtrain.jobs.data.DataSource;
import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.models.ModelFactory;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The typed Java entry point to distributed training:
 * <pre>{@code
 * TrainedModel trained = RingTrain.train(spark)
 *         .model(MyNet::new)          // a serialisable ModelFactory: (int[] inputShape, int numClasses) -> Module
 *         .data(df)                   // DataSources layout, or encoded images + integer labels (imageColumn, labelColumn)
 *         .numClasses(10).inputShape(1, 28, 28)
 *         .epochs(3).replicas(2)
 *         .fit();
 * trained.model();                    // the SavedModel: evaluate, predict, or RingtrainClassificationModel
 * }</pre>
 * The data is a DataFrame or a {@link DataSource} the job reads itself ({@code DataSource.of("data/fashion-mnist", "idx")}).
 * The objective is classification (cross-entropy over the logits) unless {@link Training#objective}
 * says otherwise; a model needs no registration. Every other training setting is reachable through
 * {@link Training#configure}. The run folder holds
 * what a command-line run writes, and its model.safetensors records the factory, so
 * {@code ringtrain evaluate} and {@code predict} work on it (with the factory's class on the classpath).
 */
public final class RingTrain {
    private RingTrain() {}

    /** A training run on {@code spark}, with {@link TrainJobConfig}'s defaults until set. */
    public static Training train(SparkSession spark) {
        return new Training(Objects.requireNonNull(spark, "spark"));
    }

    /** The builder {@link #train} returns; {@link #fit} checks every setting before any Spark work. */
    public static final class Training {
        private final SparkSession spark;
        private final TrainJobConfig config = new TrainJobConfig();
        private Dataset<Row> data;
        private Dataset<Row> testData;
        private DataSource dataSource;
        private DataSource testSource;
        private Objective objective;
        private String imageColumn = "image";
        private String labelColumn = "label";
        private boolean quiet;

        private Training(SparkSession spark) {
            this.spark = spark;
            config.runDir = "runs/latest";
        }

        /** The user's model; see {@link ModelFactory}. */
        public Training model(ModelFactory factory) {
            config.model.factory(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /** A built-in model by name ({@link io.ringtrain.jobs.models.ModelZoo#NAMES}). */
        public Training model(String builtIn) {
            config.model.name = Objects.requireNonNull(builtIn, "builtIn");
            return this;
        }

        /** The training data: a DataFrame in the {@link DatasetColumns} layout, or with encoded images and integer labels. */
        public Training data(Dataset<Row> train) {
            this.data = Objects.requireNonNull(train, "train");
            return this;
        }

        /** Test data, evaluated after training (same layouts as {@link #data}); none by default. */
        public Training testData(Dataset<Row> test) {
            this.testData = test;
            return this;
        }

        /**
         * The training data read by the job, as {@code ringtrain train --data --format} reads it: an
         * IDX folder's test split, a VOC folder's and a text file's validation split come with it.
         */
        public Training data(DataSource train) {
            this.dataSource = Objects.requireNonNull(train, "train");
            return this;
        }

        /** Test data read by the job, in the training data's format. */
        public Training testData(DataSource test) {
            this.testSource = test;
            return this;
        }

        /** What the model is trained to do; by default what the data and model call for (see {@link Objective}). */
        public Training objective(Objective objective) {
            this.objective = Objects.requireNonNull(objective, "objective");
            return this;
        }

        /** The columns of a DataFrame not in the DataSources layout (default image, label). */
        public Training columns(String image, String label) {
            this.imageColumn = image;
            this.labelColumn = label;
            return this;
        }

        public Training epochs(int epochs) {
            config.epochs = epochs;
            return this;
        }

        public Training replicas(int replicas) {
            config.replicas = replicas;
            return this;
        }

        public Training batchSize(int batchSize) {
            config.batchSize = batchSize;
            return this;
        }

        public Training lr(double lr) {
            config.optimization.lr = lr;
            return this;
        }

        public Training numClasses(int numClasses) {
            config.input.numClasses = numClasses;
            return this;
        }

        public Training inputShape(int channels, int height, int width) {
            config.input.inputShape = new int[] {channels, height, width};
            return this;
        }

        /** The run folder (local path or Hadoop URI); rerunning with the same folder resumes. */
        public Training runDir(String runDir) {
            config.runDir = runDir;
            return this;
        }

        /** No progress on the driver's console. */
        public Training quiet() {
            this.quiet = true;
            return this;
        }

        /** Any other setting of {@link TrainJobConfig} (optimizer, schedule, augmentation, sharding, device, ...). */
        public Training configure(Consumer<TrainJobConfig> settings) {
            settings.accept(config);
            return this;
        }

        /**
         * Trains, and returns the model with its metrics and run folder. A text model's run has no
         * {@link SavedModel} (its model is null): load it with {@code SavedTextModel.fromRunFolder(runDir)}.
         */
        public TrainedModel fit() {
            checkData();
            if (dataSource != null) {
                if (config.input.data != null && !config.input.data.equals(dataSource.path())) {
                    throw new IllegalArgumentException("RingTrain: the DataSource " + dataSource.path() + " and the configured data " + config.input.data
                            + " name different training data; give one");
                }
                config.input.data = dataSource.path();
                config.input.format = io.ringtrain.jobs.train.InputSettings.format(dataSource.format());
                if (testSource != null) {
                    if (!testSource.format().equals(dataSource.format())) {
                        throw new IllegalArgumentException("RingTrain: the test data's format " + testSource.format() + " is not the training data's "
                                + dataSource.format() + "; give both in one format");
                    }
                    config.input.testData = testSource.path();
                }
            } else if (config.input.data == null) {
                config.input.data = "DataFrame (RingTrain Java API)";
            }
            ObjectiveChoice.apply(objective, config);
            PrintStream console = quiet ? new PrintStream(OutputStream.nullOutputStream()) : System.out;
            TrainJob.Summary summary = dataSource != null ? TrainJob.run(spark, config, console)
                    : TrainJob.run(spark, config, layout(data), testData == null ? null : layout(testData), console);
            SavedModel model = config.trainsOnText() ? null : SavedModel.fromRunFolder(summary.runDir(), spark.sparkContext().hadoopConfiguration());
            return new TrainedModel(model, summary.testAccuracy(), summary.testLoss(), summary.runDir());
        }

        /** One kind of training data, and test data of the same kind. */
        private void checkData() {
            if (data == null && dataSource == null) {
                throw new IllegalArgumentException("RingTrain.train(spark): no training data; call .data(df) or .data(DataSource.of(path, format)) before fit()");
            }
            if (data != null && dataSource != null) {
                throw new IllegalArgumentException("RingTrain: both a DataFrame and a DataSource were given as training data; give one");
            }
            if (data != null ? testSource != null : testData != null) {
                throw new IllegalArgumentException("RingTrain: give the test data as the training data, both DataFrames or both DataSources");
            }
        }

        private Dataset<Row> layout(Dataset<Row> df) {
            return DatasetColumns.matches(df.schema()) ? df : DataSources.fromDataFrame(df, imageColumn, labelColumn, null);
        }
    }
}
