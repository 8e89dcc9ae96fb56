package io.ringtrain.jobs;

import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.train.RingtrainKryoRegistrator;
import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Shared set-up of the jobs' Spark tests: a local[2] session and the bundled Fashion-MNIST sample. */
public final class SparkFixtures {
    private SparkFixtures() {}

    /** local[2] with the settings the command line uses (Kryo with our registrator, no console progress). */
    public static SparkSession localSpark(String name) {
        return SparkSession.builder().master("local[2]").appName(name)
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrator", RingtrainKryoRegistrator.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate();
    }

    /** The repository's data/fashion-mnist-sample (6,000 train / 1,000 test images), found by walking up from the working directory. */
    public static String fashionMnistSample() {
        for (Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path sample = dir.resolve("data/fashion-mnist-sample");
            if (Files.isRegularFile(sample.resolve("train-labels-idx1-ubyte.gz"))) return sample.toString();
        }
        throw new IllegalStateException("data/fashion-mnist-sample not found above " + System.getProperty("user.dir")
                + "; run the tests from the ringtrain checkout");
    }

    /** The first {@code n} records of the sample's train or test split, spread over {@code partitions}. */
    public static Dataset<Row> sample(SparkSession spark, boolean train, int n, int partitions) {
        Dataset<Row> all = DataSources.idxFolder(spark, fashionMnistSample(), train);
        long firstId = train ? 0 : 1_000_000_000L; // DataSources.idxFolder's ids
        return all.filter(all.col("id").lt(firstId + n)).repartition(partitions).cache();
    }

    /** A short real training run (mlp, 2 replicas, 1 epoch on {@code train}); returns the run folder. */
    public static String trainMlp(SparkSession spark, Dataset<Row> train, Path runDir) {
        TrainJobConfig c = new TrainJobConfig();
        c.model.name = "mlp";
        c.replicas = 2;
        c.epochs = 1;
        c.batchSize = 16;
        c.optimization.lr = 0.05;
        c.input.data = "fashion-mnist-sample (first " + train.count() + " training images)";
        c.runDir = runDir.toString();
        TrainJob.run(spark, c, train, null, new PrintStream(OutputStream.nullOutputStream()));
        return c.runDir;
    }
}
