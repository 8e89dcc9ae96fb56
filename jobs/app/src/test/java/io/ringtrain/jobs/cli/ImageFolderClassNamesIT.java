package io.ringtrain.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.jobs.testing.LocalSparkTest;
import io.ringtrain.jobs.testing.TestData;
import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Image-folder labels follow the class names, not the folders present: the training set's sorted
 * folder names are saved with the model, and a test, evaluation or prediction folder that lacks a
 * class keeps the training numbering, while a folder that is not a class fails, naming it.
 */
class ImageFolderClassNamesIT extends LocalSparkTest {
    /** Fashion-MNIST labels 0, 1 and 9 under their names; sorted: ankle_boot = 0, trouser = 1, tshirt = 2. */
    static final Map<Integer, String> NAMES = Map.of(0, "tshirt", 1, "trouser", 9, "ankle_boot");
    static final List<String> CLASSES = List.of("ankle_boot", "trouser", "tshirt");

    @TempDir
    static Path tmp;
    static Path train, testWithoutAnkleBoots;

    @BeforeAll
    static void folders() throws IOException {
        train = imageFolder(tmp.resolve("train"), 0, 600, List.of("tshirt", "trouser", "ankle_boot"));
        testWithoutAnkleBoots = imageFolder(tmp.resolve("test"), 600, 900, List.of("tshirt", "trouser"));
    }

    @Test
    void aFolderMissingTheFirstClassKeepsTheTrainingNumbering() {
        List<String> classes = DataSources.imageFolderClasses(spark, train.toString());
        assertEquals(CLASSES, classes);

        List<Row> rows = DataSources.imageFolder(spark, testWithoutAnkleBoots.toString(), classes).select("source", "label").collectAsList();

        assertTrue(rows.size() > 10, "the test folder has images");
        for (Row r : rows) {
            String folder = Path.of(r.getString(0).replace("file:", "")).getParent().getFileName().toString();
            assertEquals(CLASSES.indexOf(folder), r.getInt(1), r.getString(0));
        }
    }

    @Test
    void aFolderThatIsNotOneOfTheClassesFailsNamingIt() throws IOException {
        Path withBags = imageFolder(tmp.resolve("with-bags"), 900, 1200, List.of("trouser"));
        copyInto(tmp.resolve("with-bags/bag"), 3);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataSources.imageFolder(spark, withBags.toString(), CLASSES));

        assertTrue(e.getMessage().contains("class folder 'bag'") && e.getMessage().contains(CLASSES.toString()), e.getMessage());
    }

    @Test
    void trainingSavesTheNamesAndEvaluateAndPredictMapAndShowThem() throws IOException {
        TrainJobConfig c = new TrainJobConfig();
        c.model.name = "mlp";
        c.input.format = io.ringtrain.jobs.train.InputSettings.format("image-folder");
        c.input.data = train.toString();
        c.input.testData = testWithoutAnkleBoots.toString();
        c.input.numClasses = 3;
        c.replicas = 1;
        c.epochs = 1;
        c.batchSize = 32;
        c.runDir = tmp.resolve("run").toString();
        c.recovery.maxAttempts = 1;
        TrainJob.run(spark, c, new PrintStream(OutputStream.nullOutputStream()));

        SavedModel saved = SavedModel.fromRunFolder(c.runDir, spark.sparkContext().hadoopConfiguration());
        assertEquals(CLASSES, saved.classNames(), "class_names in model.safetensors");

        Path out = tmp.resolve("eval");
        assertEquals(0, RingtrainCli.execute("evaluate", "--run-dir", c.runDir, "--format", "image-folder", "--data", testWithoutAnkleBoots.toString(),
                "--out", out.toString()));
        JsonNode report = new ObjectMapper().readTree(out.resolve("evaluation.json").toFile());
        assertEquals(CLASSES.toString(), new ObjectMapper().convertValue(report.get("class_names"), List.class).toString());
        for (int k = 0; k < 3; k++) {
            JsonNode perClass = report.get("classes").get(k);
            assertEquals(CLASSES.get(k), perClass.get("name").asText());
            assertEquals(filesIn(testWithoutAnkleBoots.resolve(CLASSES.get(k))), perClass.get("support").asLong(), CLASSES.get(k) + " support");
        }
        String html = Files.readString(out.resolve("evaluation.html"));
        assertTrue(html.contains("<th>trouser</th>") && html.contains("<th>ankle_boot</th>"), "confusion matrix headed by class names");

        String csv = tmp.resolve("predictions.csv").toString();
        assertEquals(0, RingtrainCli.execute("predict", "--run-dir", c.runDir, "--format", "image-folder", "--data", testWithoutAnkleBoots.toString(),
                "--out", csv));
        List<Row> predicted = spark.read().option("header", "true").option("inferSchema", "true").csv(csv)
                .select("label", "prediction", PredictCommand.PREDICTED_CLASS).collectAsList();
        assertEquals(filesIn(testWithoutAnkleBoots.resolve("trouser")) + filesIn(testWithoutAnkleBoots.resolve("tshirt")), predicted.size());
        for (Row r : predicted) {
            assertTrue(r.getInt(0) == 1 || r.getInt(0) == 2, "labels by name: trouser 1, tshirt 2, got " + r.getInt(0));
            assertEquals(CLASSES.get(r.getInt(1)), r.getString(2), "predicted_class names the predicted index");
        }
    }

    @Test
    void moreClassFoldersThanNumClassesFailsBeforeTrainingNamingThem() {
        TrainJobConfig c = new TrainJobConfig();
        c.model.name = "mlp";
        c.input.format = io.ringtrain.jobs.train.InputSettings.format("image-folder");
        c.input.data = train.toString();
        c.input.numClasses = 2;
        c.replicas = 1;
        c.runDir = tmp.resolve("run-too-few").toString();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, c, new PrintStream(OutputStream.nullOutputStream())));

        assertTrue(e.getMessage().contains("holds 3 class folders " + CLASSES + " but numClasses is 2; set numClasses to 3"), e.getMessage());
    }

    /** root/<name>/<i>.png for the bundled training images i in [from, to) whose label is one of {@code names}. */
    private static Path imageFolder(Path root, int from, int to, List<String> names) throws IOException {
        Path sample = TestData.bundledSample();
        try (DataInputStream images = new DataInputStream(new GZIPInputStream(Files.newInputStream(sample.resolve("train-images-idx3-ubyte.gz"))));
             DataInputStream labels = new DataInputStream(new GZIPInputStream(Files.newInputStream(sample.resolve("train-labels-idx1-ubyte.gz"))))) {
            images.skipNBytes(16 + 28L * 28 * from);
            labels.skipNBytes(8 + from);
            for (int i = from; i < to; i++) {
                byte[] pixels = new byte[28 * 28];
                images.readFully(pixels);
                String name = NAMES.get(labels.readUnsignedByte());
                if (name == null || !names.contains(name)) continue;
                Path dir = Files.createDirectories(root.resolve(name));
                ImageIO.write(Image.fromHwcBytes(pixels, 28, 28, 1).toBufferedImage(), "png", dir.resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    /** {@code n} images of the training folder's trouser class copied into {@code dir}. */
    private static void copyInto(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(train.resolve("trouser"))) {
            for (Path f : files.limit(n).toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
    }

    private static long filesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
