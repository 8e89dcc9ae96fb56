package io.ringtrain.jobs.train;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.testing.LocalSparkTest;
import io.ringtrain.jobs.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input fails with an error that names the offending thing and says what to do, and leaves no
 * half-written model in the run folder.
 */
class TrainJobBadInputIT extends LocalSparkTest {
    @Test
    void aMissingDataPathIsNamed(@TempDir Path tmp) {
        TrainJobConfig c = TrainJobLocalIT.config(tmp.resolve("no-such-folder"), tmp.resolve("run"));
        Exception e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, c, System.out));
        assertTrue(e.getMessage().contains("no-such-folder"), e.getMessage());
        assertNoModel(tmp.resolve("run"));
    }

    @Test
    void aLabelOutsideTheClassCountIsNamedBeforeTraining(@TempDir Path tmp) throws IOException {
        Path data = TestData.idxSubset(TestData.bundledSample(), tmp.resolve("data"), 200, 50);
        TestData.setLabel(data, "train", 17, 12);
        TrainJobConfig c = TrainJobLocalIT.config(data, tmp.resolve("run"));
        Exception e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, c, System.out));
        assertTrue(e.getMessage().contains("label 12") && e.getMessage().contains("record id 17"), e.getMessage());
        assertNoModel(tmp.resolve("run"));
    }

    @Test
    void aCorruptImageFileIsNamed(@TempDir Path tmp) throws IOException {
        Path folder = imageFolder(tmp.resolve("images"), 28);
        Files.write(folder.resolve("3/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        TrainJobConfig c = imageFolderConfig(folder, tmp.resolve("run"));
        Exception e = assertThrows(RuntimeException.class, () -> TrainJob.run(spark, c, System.out));
        assertTrue(messages(e).contains("broken.png") && messages(e).contains("not a PNG/JPEG image"), messages(e));
        assertNoModel(tmp.resolve("run"));
    }

    @Test
    void imagesOfTheWrongSizeSayWhatTheModelExpects(@TempDir Path tmp) throws IOException {
        Path folder = imageFolder(tmp.resolve("images"), 32);
        TrainJobConfig c = imageFolderConfig(folder, tmp.resolve("run"));
        Exception e = assertThrows(TrainingFailedException.class, () -> TrainJob.run(spark, c, System.out));
        assertTrue(messages(e).contains("1×32×32") && messages(e).contains("expects 1×28×28"), messages(e));
        assertNoModel(tmp.resolve("run"));
    }

    @Test
    void anEmptyShardIsAClearError(@TempDir Path tmp) throws IOException {
        Path data = TestData.idxSubset(TestData.bundledSample(), tmp.resolve("data"), 1, 10);
        TrainJobConfig c = TrainJobLocalIT.config(data, tmp.resolve("run"));
        c.input.sharding = Sharding.PARTITIONED;
        Exception e = assertThrows(TrainingFailedException.class, () -> TrainJob.run(spark, c, System.out));
        assertTrue(messages(e).contains("smallest shard holds 0 samples"), messages(e));
        assertNoModel(tmp.resolve("run"));
    }

    /**
     * onBadRecord = skip: a corrupt file, an image of the wrong size and a label outside the class
     * count are dropped before planning, counted per kind on the console, in metrics.jsonl and in
     * summary.json, and the job trains on the 120 good images: with 2 replicas × 30 that is 2 steps
     * (the 123 records read would make 3), so every replica ran the plan made after filtering.
     */
    @Test
    void skipModeDropsBadRecordsCountsThemAndTrains(@TempDir Path tmp) throws IOException {
        Path folder = imageFolder(tmp.resolve("images"), 28);
        Files.write(folder.resolve("3/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        ImageIO.write(Image.fromHwcBytes(new byte[32 * 32], 32, 32, 1).toBufferedImage(), "png", folder.resolve("4/too-big.png").toFile());
        Path extraClass = Files.createDirectories(folder.resolve("unlisted")); // the 11th class folder: label 10 with numClasses 10
        ImageIO.write(Image.fromHwcBytes(new byte[28 * 28], 28, 28, 1).toBufferedImage(), "png", extraClass.resolve("stray.png").toFile());
        TrainJobConfig c = imageFolderConfig(folder, tmp.resolve("run"));
        c.input.onBadRecord = BadRecordPolicy.SKIP;
        c.batchSize = 30;
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();

        TrainJob.Summary summary = TrainJob.run(spark, c, new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8));

        String printed = console.toString(java.nio.charset.StandardCharsets.UTF_8);
        printed.lines().filter(l -> l.contains("warning")).forEach(System.out::println);
        assertTrue(printed.contains("skipped 3 of 123 train records") && printed.contains("corrupt_image 1 (e.g. ")
                && printed.contains("broken.png") && printed.contains("wrong_shape 1") && printed.contains("too-big.png")
                && printed.contains("label_out_of_range 1") && printed.contains("stray.png"), printed);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var skipped = json.readTree(Files.readString(tmp.resolve("run/summary.json"))).path("skipped_records").path("train");
        org.junit.jupiter.api.Assertions.assertEquals(123, skipped.path("total").asLong());
        for (String kind : new String[] {"corrupt_image", "wrong_shape", "label_out_of_range"}) {
            org.junit.jupiter.api.Assertions.assertEquals(1, skipped.path(kind).asLong(), kind + " in " + skipped);
        }
        assertTrue(Files.readString(tmp.resolve("run/metrics.jsonl")).contains("\"type\":\"skipped_records\",\"split\":\"train\",\"total\":123,\"skipped\":3"));
        org.junit.jupiter.api.Assertions.assertEquals(2, json.readTree(summary.json()).path("optimizer_steps").asInt(), summary.json());
        assertTrue(Files.exists(tmp.resolve("run/model.safetensors")), "skip mode trains a model");
    }

    @Test
    void skipModeWithNothingGoodLeftIsAClearError(@TempDir Path tmp) throws IOException {
        Path folder = imageFolder(tmp.resolve("images"), 32);
        TrainJobConfig c = imageFolderConfig(folder, tmp.resolve("run"));
        c.input.onBadRecord = BadRecordPolicy.SKIP;
        Exception e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, c, System.out));
        assertTrue(e.getMessage().contains("every one of the 120 train records is bad") && e.getMessage().contains("wrong_shape 120"), e.getMessage());
        assertNoModel(tmp.resolve("run"));
    }

    @Test
    void aStopAtAccuracyTargetWithoutTestDataIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) throws IOException {
        Path folder = imageFolder(tmp.resolve("images"), 28);
        TrainJobConfig c = imageFolderConfig(folder, tmp.resolve("run"));
        c.stopAtAccuracy = 0.9;
        Exception e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, c, System.out));
        assertTrue(e.getMessage().startsWith("training setting 'stopAtAccuracy' = 0.9 is invalid") && e.getMessage().contains(folder.toString())
                && e.getMessage().contains("--test-data"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("run")), "nothing is written");
    }

    private static TrainJobConfig imageFolderConfig(Path folder, Path run) {
        TrainJobConfig c = TrainJobLocalIT.config(folder, run);
        c.input.format = io.ringtrain.jobs.train.InputSettings.format("image-folder");
        c.input.testData = null;
        c.input.mean = null;
        c.input.std = null;
        return c;
    }

    /** root/<label>/<n>.png from the first 120 bundled training images, drawn at {@code size}×{@code size}. */
    private static Path imageFolder(Path root, int size) throws IOException {
        Path sample = TestData.bundledSample();
        try (DataInputStream images = new DataInputStream(new GZIPInputStream(Files.newInputStream(sample.resolve("train-images-idx3-ubyte.gz"))));
             DataInputStream labels = new DataInputStream(new GZIPInputStream(Files.newInputStream(sample.resolve("train-labels-idx1-ubyte.gz"))))) {
            images.skipNBytes(16);
            labels.skipNBytes(8);
            for (int i = 0; i < 120; i++) {
                byte[] pixels = new byte[28 * 28];
                images.readFully(pixels);
                int label = labels.readUnsignedByte();
                byte[] scaled = new byte[size * size];
                for (int y = 0; y < size; y++) for (int x = 0; x < size; x++) scaled[y * size + x] = pixels[(y * 28 / size) * 28 + x * 28 / size];
                Path dir = Files.createDirectories(root.resolve(Integer.toString(label)));
                ImageIO.write(Image.fromHwcBytes(scaled, size, size, 1).toBufferedImage(), "png", dir.resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) sb.append(t.getMessage()).append(" | ");
        return sb.toString();
    }

    private static void assertNoModel(Path run) {
        assertFalse(Files.exists(run.resolve("model.safetensors")), "no model is written for a failed run");
    }
}
