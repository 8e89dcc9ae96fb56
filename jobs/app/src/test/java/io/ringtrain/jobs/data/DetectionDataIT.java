package io.ringtrain.jobs.data;

import io.ringtrain.jobs.augment.Augmentation;
import io.ringtrain.jobs.augment.Compose;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.RandomApply;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.boxes.Boxes;
import io.ringtrain.jobs.augment.geometric.CropWindow;
import io.ringtrain.jobs.augment.spec.AugmentSpec;
import io.ringtrain.jobs.cli.RingtrainCli;
import io.ringtrain.jobs.testing.DetectionFixtures;
import io.ringtrain.jobs.testing.LocalSparkTest;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** COCO and VOC data on real Spark: the boxes column, boxes through the executors' augmentation path, the command line. */
class DetectionDataIT extends LocalSparkTest {
    /** The job's code path: a spec parsed as ReplicaTask parses it, a flip that always happens, then a crop. */
    private static final String FLIP_CROP = "[{type: horizontal_flip, p: 1.0}, {type: random_crop, width: 32, height: 24}]";
    private static final int[] SHAPE = {3, 24, 32};
    @Test
    void cocoRowsHoldTheImageTheAnnotatedSizeTheLargestObjectsLabelAndTheBoxes(@TempDir Path tmp) throws Exception {
        Path json = DetectionFixtures.coco(tmp);

        Dataset<Row> df = DataSources.coco(spark, json.toString());

        assertEquals(DatasetColumns.SCHEMA, df.schema());
        List<ImageRecord> records = records(df);
        ImageRecord a = records.get(0);
        assertEquals(1, a.id());
        assertEquals(2, a.label(), "dog, the largest object that is not a crowd");
        assertEquals(40, a.height());
        assertEquals(48, a.width());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("mini/a.png")), a.pixels(), "the file's bytes, read in an executor");
        assertArrayEquals(new float[] {4, 5, 14, 13, 20, 10, 44, 30, 0, 0, 40, 40}, a.objects().corners());
        assertArrayEquals(new boolean[] {false, false, true}, a.objects().ignore());
        assertEquals(0, records.get(1).label(), "bird");
    }

    @Test
    void boxesFollowTheFlipAndCropInTheExecutorsAugmentation(@TempDir Path tmp) throws Exception {
        List<ImageRecord> coco = records(DataSources.coco(spark, DetectionFixtures.coco(tmp.resolve("coco")).toString()));
        List<ImageRecord> voc = records(DataSources.voc(spark, DetectionFixtures.voc(tmp.resolve("voc")).toString(), null));
        AugmentSpec spec = AugmentSpec.parse(FLIP_CROP);
        Augmentation augmentation = new Augmentation(spec.pipeline(), 5, spec.boxFilter());
        int checked = 0;
        for (List<ImageRecord> records : List.of(coco, voc)) {
            RecordSamples samples = new RecordSamples(records, SHAPE, new float[] {0, 0, 0}, new float[] {1, 1, 1}, augmentation);
            ImageRecord r = records.get(0); // 48×40, one or two boxes that are not ignored
            for (int epoch = 0; epoch < 4; epoch++) {
                Sample out = samples.sample(0, epoch);
                CropWindow crop = cropOf(augmentation.draw(Sample.of(RecordSamples.decode(r, 3)), epoch, r.id()));
                List<float[]> expected = flippedAndCropped(r.objects(), r.width(), crop);
                Boxes boxes = out.boxes();
                assertEquals(expected.size(), boxes.count(), "epoch " + epoch + ": " + boxes + " with " + crop);
                for (int i = 0; i < expected.size(); i++) {
                    double[] v = boxes.voc(i);
                    for (int k = 0; k < 4; k++) assertEquals(expected.get(i)[k], v[k], 1e-4, "epoch " + epoch + " box " + i + " corner " + k);
                    checked++;
                }
                assertEquals(32, out.image().width());
            }
        }
        assertTrue(checked >= 8, "boxes survived the crops in most epochs: " + checked);
    }

    /** The CLI reads both formats: augment-preview draws a COCO file's boxes, train runs on a VOC folder (train split, val as test). */
    @Test
    void theCommandLineReadsCocoAndVoc(@TempDir Path tmp) throws Exception {
        Path json = DetectionFixtures.coco(tmp.resolve("coco"));
        Path png = tmp.resolve("preview.png");
        assertEquals(0, RingtrainCli.execute("augment-preview", "--data", json.toString(), "--spec", writeSpec(tmp), "--out", png.toString(),
                "--samples", "2", "--augmentations", "2", "--cell", "48"));
        BufferedImage preview = ImageIO.read(png.toFile());
        assertEquals(4 + 3 * 52, preview.getWidth());

        Path voc = DetectionFixtures.voc(tmp.resolve("voc"));
        Path config = Files.writeString(tmp.resolve("train.yaml"), "format: voc\ndata: " + voc + "\nmodel: mlp\nnumClasses: 20\ninputShape: [3, 40, 48]\n"
                + "replicas: 1\nepochs: 1\nbatchSize: 1\nmaxAttempts: 1\naugment: \"[{type: horizontal_flip}]\"\nrunDir: " + tmp.resolve("run") + "\n");
        assertEquals(0, RingtrainCli.execute("train", "--config", config.toString(), "--master", "local[2]"));
        var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(tmp.resolve("run/summary.json")));
        assertEquals(1, summary.path("optimizer_steps").asInt(), "one image in the train split: " + summary);
        assertTrue(summary.path("test_accuracy").isNumber(), "the val split was the test set: " + summary);
    }

    private static String writeSpec(Path tmp) throws Exception {
        return Files.writeString(tmp.resolve("spec.yaml"), FLIP_CROP).toString();
    }

    private static List<ImageRecord> records(Dataset<Row> df) {
        List<ImageRecord> out = new ArrayList<>();
        for (Row row : DatasetColumns.select(df).collectAsList()) out.add(DatasetColumns.toRecord(row));
        out.sort(Comparator.comparing(ImageRecord::source));
        return out;
    }

    /** The non-ignored boxes mirrored (x → W − x), shifted by the crop window and clipped to it; boxes left with no area dropped. */
    private static List<float[]> flippedAndCropped(ObjectBoxes objects, int width, CropWindow crop) {
        List<float[]> out = new ArrayList<>();
        float[] c = objects.corners();
        for (int i = 0; i < objects.count(); i++) {
            if (objects.ignore()[i]) continue;
            float x0 = width - c[4 * i + 2] - crop.left(), x1 = width - c[4 * i] - crop.left();
            float y0 = c[4 * i + 1] - crop.top(), y1 = c[4 * i + 3] - crop.top();
            x0 = Math.max(0, Math.min(crop.width(), x0));
            x1 = Math.max(0, Math.min(crop.width(), x1));
            y0 = Math.max(0, Math.min(crop.height(), y0));
            y1 = Math.max(0, Math.min(crop.height(), y1));
            if (x1 > x0 && y1 > y0) out.add(new float[] {x0, y0, x1, y1});
        }
        return out;
    }

    private static CropWindow cropOf(Params p) {
        if (p instanceof CropWindow w) return w;
        if (p instanceof RandomApply.Decision d) return cropOf(d.params());
        if (p instanceof Compose.Drawn d) {
            for (Params step : d.steps()) {
                CropWindow w = cropOf(step);
                if (w != null) return w;
            }
        }
        return null;
    }

    @Test
    void recordsWithoutBoxesKeepANullBoxesColumn() {
        Dataset<Row> idx = DataSources.idxFolder(spark, io.ringtrain.jobs.testing.TestData.bundledSample().toString(), false).limit(1);
        assertNull(DatasetColumns.toRecord(DatasetColumns.select(idx).first()).objects());
    }
}
