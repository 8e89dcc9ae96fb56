package io.ringtrain.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.testing.LocalSpark;
import io.ringtrain.jobs.testing.TestData;
import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;

/**
 * {@code deploy/bin/bench spark-train [epochs]}: wall time to 90% test accuracy on Fashion-MNIST
 * with the fmnist-cnn recipe in {@code local[2]} (2 replicas × batch 32), against PyTorch's
 * single-process CPU training of the same model and recipe (2 threads) in the same run; ratio =
 * PyTorch's time ÷ ours. Also Spark MLlib's MultilayerPerceptronClassifier (784-128-10, 100
 * iterations) on the same data: its accuracy and time.
 */
public final class SparkTrainBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path data = TestData.fullFashionMnist();
        JsonNode torch = pytorch(data, epochs);
        SparkSession spark = LocalSpark.start(2);
        try {
            Path run = Files.createTempDirectory("spark-train-bench");
            TrainJobConfig c = new TrainJobConfig();
            c.input.data = data.toString();
            c.runDir = run.toString();
            c.epochs = epochs;
            long t0 = System.nanoTime();
            TrainJob.Summary summary = TrainJob.run(spark, c, System.err);
            double total = (System.nanoTime() - t0) / 1e9;
            double ours = secondsToTarget(run.resolve("metrics.jsonl"), total, 0.9);
            double reference = torch.path("seconds_to_target").asDouble(Double.NaN);
            System.out.println(String.format(Locale.ROOT,
                    "{\"bench\":\"spark-train\",\"params\":{\"master\":\"local[2]\",\"replicas\":2,\"batch\":64,\"epochs\":%d,\"target\":0.9},\"metric\":\"seconds_to_90pct\",\"ours\":%.1f,\"reference\":%.1f,\"ratio\":%.3f,\"ours_final_accuracy\":%.4f,\"reference_accuracy\":%s}",
                    epochs, ours, reference, reference / ours, summary.testAccuracy(), torch.path("accuracy")));
            mllib(spark, data);
        } finally {
            spark.stop();
        }
    }

    /** Time to the end of the first epoch reaching the target, plus the job's fixed overhead (start-up, data, final writes). */
    static double secondsToTarget(Path metrics, double totalSeconds, double target) throws Exception {
        double epochSum = 0, atTarget = Double.NaN;
        for (String line : Files.readAllLines(metrics)) {
            JsonNode n = JSON.readTree(line);
            if (!"epoch".equals(n.path("type").asText())) continue;
            epochSum += n.path("seconds").asDouble();
            if (Double.isNaN(atTarget) && n.path("eval_accuracy").asDouble() >= target) atTarget = epochSum;
        }
        double overhead = totalSeconds - epochSum;
        return atTarget + overhead;
    }

    static JsonNode pytorch(Path data, int epochs) throws Exception {
        Path script = TestData.repoRoot().resolve("tools/bench/spark_train_ref.py");
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), data.toString(), "--epochs", Integer.toString(epochs), "--threads", "2")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String last = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = in.readLine()) != null; ) last = line;
        }
        if (p.waitFor() != 0 || last == null) throw new IllegalStateException("the PyTorch reference failed (is python3-torch installed?)");
        return JSON.readTree(last);
    }

    static void mllib(SparkSession spark, Path data) {
        UDF1<byte[], org.apache.spark.ml.linalg.Vector> features = pixels -> {
            double[] v = new double[pixels.length];
            for (int i = 0; i < v.length; i++) v[i] = (pixels[i] & 0xFF) / 255.0;
            return Vectors.dense(v);
        };
        spark.udf().register("ringtrain_pixels", features, SQLDataTypes.VectorType());
        Dataset<Row> train = DataSources.idxFolder(spark, data.toString(), true)
                .select(callUDF("ringtrain_pixels", col("image")).as("features"), col("label").cast("double").as("label")).cache();
        Dataset<Row> test = DataSources.idxFolder(spark, data.toString(), false)
                .select(callUDF("ringtrain_pixels", col("image")).as("features"), col("label").cast("double").as("label")).cache();
        train.count();
        test.count();
        long t0 = System.nanoTime();
        MultilayerPerceptronClassificationModel model = new MultilayerPerceptronClassifier()
                .setLayers(new int[] {784, 128, 10}).setMaxIter(100).setBlockSize(128).setSeed(1).fit(train);
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Row> predictions = model.transform(test).select("prediction", "label").collectAsList();
        long correct = predictions.stream().filter(r -> r.getDouble(0) == r.getDouble(1)).count();
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"spark-train\",\"params\":{\"baseline\":\"spark-mllib MultilayerPerceptronClassifier 784-128-10\",\"max_iter\":100},\"metric\":\"mllib_accuracy_and_seconds\",\"ours\":null,\"reference\":%.1f,\"ratio\":null,\"mllib_accuracy\":%.4f,\"mllib_seconds\":%.1f}",
                seconds, correct / (double) predictions.size(), seconds));
    }
}
