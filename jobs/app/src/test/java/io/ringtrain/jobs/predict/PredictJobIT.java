package io.ringtrain.jobs.predict;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.SparkFixtures;
import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.data.RecordSamples;
import io.ringtrain.jobs.models.ModelZoo;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.trainer.data.Batch;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prediction with a freshly initialised mlp (its weights and normalisation saved as the training job saves them). */
class PredictJobIT {
    static final int SAMPLES = 150;
    static SparkSession spark;
    static Dataset<Row> images;
    static SavedModel saved;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void setUp() throws Exception {
        spark = SparkFixtures.localSpark("PredictJobIT");
        images = SparkFixtures.sample(spark, false, SAMPLES, 3);
        Module mlp = ModelZoo.create("mlp", new int[] {1, 28, 28}, 10, 7);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model", "mlp");
        metadata.put("input_shape", "1,28,28");
        metadata.put("num_classes", "10");
        metadata.put("mean", "0.286");
        metadata.put("std", "0.353");
        Path weights = java.nio.file.Files.createDirectories(tmp.resolve("run")).resolve("model.safetensors");
        SafeTensors.write(weights, mlp.stateDict(), metadata);
        saved = SavedModel.fromFile(weights.toString(), null, null, null, spark.sparkContext().hadoopConfiguration());
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    @Test
    void appendsPredictionAndProbabilityColumnsAndKeepsEveryRow() {
        Dataset<Row> out = PredictJob.predict(images, saved);

        List<String> expected = new ArrayList<>(List.of(images.schema().fieldNames()));
        expected.add("prediction");
        expected.add("probability");
        assertEquals(expected, List.of(out.schema().fieldNames()));
        assertEquals(DataTypes.IntegerType, out.schema().apply("prediction").dataType());
        assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), out.schema().apply("probability").dataType());
        assertEquals(SAMPLES, out.count());
        assertEquals(3, out.toJavaRDD().getNumPartitions(), "a plain map: the input's partitions");
    }

    @Test
    void predictionsAreTheArgmaxAndProbabilitiesTheSoftmaxOfTheModelRunDirectly() {
        Map<Long, Row> byId = new HashMap<>();
        for (Row r : PredictJob.predict(images, saved, "image", "prediction", "probability", 16).collectAsList()) byId.put(r.getLong(0), r);

        // Reference: the same weights applied in this thread to all records in one batch.
        List<ImageRecord> records = new ArrayList<>();
        for (Row r : DatasetColumns.select(images).collectAsList()) records.add(DatasetColumns.toRecord(r));
        Module model = saved.instantiate();
        int[] all = new int[records.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        Tensor logits;
        try (var scope = GradMode.noGrad()) {
            logits = model.forward(Batch.gather(new RecordSamples(records, new int[] {1, 28, 28}, new float[] {0.286f}, new float[] {0.353f}, null), all, 0).inputs());
        }
        int[] argmax = logits.argmaxLastDim();
        float[] softmax = logits.softmax(1).toArray();

        assertEquals(records.size(), byId.size());
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            Row row = byId.get(records.get(i).id());
            int prediction = row.getInt(row.fieldIndex("prediction"));
            List<Float> probability = row.getList(row.fieldIndex("probability"));
            assertEquals(argmax[i], prediction, "record " + records.get(i).id());
            double sum = 0;
            for (int k = 0; k < 10; k++) {
                // batches of 16 vs one batch of 150: same float operations per row, so equal to rounding
                assertEquals(softmax[i * 10 + k], probability.get(k), 1e-6f, "record " + records.get(i).id() + " class " + k);
                sum += probability.get(k);
            }
            assertEquals(1.0, sum, 1e-5);
            distinct.add(prediction);
        }
        assertTrue(distinct.size() > 1, "the check is not vacuous: the model predicts more than one class");
    }

    @Test
    void readsEncodedPngBytesFromAnyBinaryColumnAndKeepsTheOtherColumns() throws Exception {
        List<Row> raw = images.limit(20).collectAsList();
        List<Row> pngRows = new ArrayList<>();
        for (Row r : raw) {
            ImageRecord record = DatasetColumns.toRecord(r);
            pngRows.add(RowFactory.create("img-" + record.id(), png(RecordSamples.decode(record, 1))));
        }
        StructType schema = new StructType().add("name", DataTypes.StringType).add("png", DataTypes.BinaryType);
        Dataset<Row> pngs = spark.createDataFrame(pngRows, schema).repartition(2);

        Map<String, Integer> fromPng = new HashMap<>();
        for (Row r : PredictJob.predict(pngs, saved, "png", "class", "p", 8).collectAsList()) fromPng.put(r.getString(0), r.getInt(2));
        Map<String, Integer> fromRaw = new HashMap<>();
        for (Row r : PredictJob.predict(images.limit(20), saved).collectAsList()) fromRaw.put("img-" + r.getLong(0), r.getInt(r.fieldIndex("prediction")));

        assertEquals(fromRaw, fromPng, "PNG is lossless: the same pixels give the same predictions");
    }

    @Test
    void refusesToOverwriteAnExistingColumnAndNamesAMissingImageColumn() {
        var existing = assertThrows(IllegalArgumentException.class,
                () -> PredictJob.predict(images.withColumn("prediction", images.col("label")), saved));
        assertTrue(existing.getMessage().contains("'prediction'"), existing.getMessage());

        var missing = assertThrows(IllegalArgumentException.class,
                () -> PredictJob.predict(images.select("id", "label"), saved, "jpeg", "prediction", "probability", 8));
        assertTrue(missing.getMessage().contains("'jpeg'"), missing.getMessage());
    }

    @Test
    void predictCommandWritesParquetWithTheProbabilitiesAndCsvWithOneColumnPerClass() {
        String sample = SparkFixtures.fashionMnistSample(), run = tmp.resolve("run").toString();
        String parquet = tmp.resolve("predictions.parquet").toString(), csv = tmp.resolve("predictions.csv").toString();

        assertEquals(0, io.ringtrain.jobs.cli.RingtrainCli.execute("predict", "--run-dir", run, "--data", sample, "--out", parquet));
        assertEquals(0, io.ringtrain.jobs.cli.RingtrainCli.execute("predict", "--run-dir", run, "--data", sample, "--out", csv));

        Dataset<Row> fromParquet = spark.read().parquet(parquet);
        assertEquals(1000, fromParquet.count(), "the sample's whole test split");
        List<String> columns = List.of(fromParquet.schema().fieldNames());
        assertTrue(columns.contains("prediction") && columns.contains("probability") && columns.contains("id"), columns.toString());
        assertTrue(!columns.contains("image"), "image bytes are left out");
        Dataset<Row> fromCsv = spark.read().option("header", "true").option("inferSchema", "true").csv(csv);
        assertEquals(1000, fromCsv.count());
        for (int k = 0; k < 10; k++) assertTrue(List.of(fromCsv.schema().fieldNames()).contains("probability_" + k), "probability_" + k);
        Row first = fromParquet.orderBy("id").first(), firstCsv = fromCsv.orderBy("id").first();
        assertEquals(first.getInt(first.fieldIndex("prediction")), firstCsv.getInt(firstCsv.fieldIndex("prediction")));
    }

    private static byte[] png(Image image) throws Exception {
        // RGB with r = g = b: decoding to grey (0.2989 r + 0.587 g + 0.114 b, rounded) gives the value back
        BufferedImage img = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        float[] v = image.data();
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int g = Math.round(v[y * image.width() + x]);
                img.setRGB(x, y, (g << 16) | (g << 8) | g);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
