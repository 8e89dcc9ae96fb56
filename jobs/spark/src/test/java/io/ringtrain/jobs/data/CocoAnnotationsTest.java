package io.ringtrain.jobs.data;

import io.ringtrain.jobs.testing.DetectionFixtures;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** COCO instances files: what is read, and the errors for what cannot be. */
class CocoAnnotationsTest {
    private static final Configuration CONF = new Configuration();

    @Test
    void readsImagesBoxesInPixelCornersLabelsByCategoryIdAndCrowdFlags(@TempDir Path tmp) throws IOException {
        Path json = DetectionFixtures.coco(tmp);

        AnnotatedImage.Listing listing = CocoAnnotations.read(json.toString(), CONF);

        assertEquals(List.of("bird", "cat", "dog"), listing.classes(), "labels follow the category ids 1, 3, 7");
        AnnotatedImage a = listing.images().get(0), b = listing.images().get(1);
        assertEquals(1, a.id());
        assertTrue(a.path().endsWith("mini/a.png"), a.path() + " is found in the folder named after the file (COCO's layout)");
        assertEquals(48, a.width());
        assertEquals(40, a.height());
        assertArrayEquals(new float[] {4, 5, 14, 13, 20, 10, 44, 30, 0, 0, 40, 40}, a.objects().corners(), "x, y, w, h → corners");
        assertArrayEquals(new int[] {1, 2, 0}, a.objects().labels());
        assertArrayEquals(new boolean[] {false, false, true}, a.objects().ignore(), "iscrowd = 1 is kept, marked ignore");
        assertEquals(2, a.objects().largestLabel(), "the dog: the largest box that is not a crowd");
        assertArrayEquals(new float[] {30.5f, 2, 40, 8}, b.objects().corners(), "half a pixel outside the image is clipped");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path tmp) {
        Exception e = assertThrows(IllegalArgumentException.class, () -> CocoAnnotations.read(tmp.resolve("nope.json").toString(), CONF));
        assertTrue(e.getMessage().contains("nope.json") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void malformedJsonNamesTheFileAndLine(@TempDir Path tmp) throws IOException {
        Path json = DetectionFixtures.coco(tmp);
        Files.writeString(json, "{\"images\": [{\"id\": 1, \"file_name\": \"a.png\",\n \"width\": 48 \"height\": 40}]}");
        Exception e = assertThrows(IllegalArgumentException.class, () -> CocoAnnotations.read(json.toString(), CONF));
        assertTrue(e.getMessage().contains("instances_mini.json is malformed") && e.getMessage().contains("images[0]")
                && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aBoxOutsideItsImageIsNamed(@TempDir Path tmp) throws IOException {
        Path json = edited(tmp, "[4, 5, 10, 8]", "[40, 5, 10, 8]");
        Exception e = assertThrows(IllegalArgumentException.class, () -> CocoAnnotations.read(json.toString(), CONF));
        assertTrue(e.getMessage().contains("annotation 10 of image a.png (48×40)") && e.getMessage().contains("outside the image"), e.getMessage());
    }

    @Test
    void anUnknownCategoryIsNamed(@TempDir Path tmp) throws IOException {
        Path json = edited(tmp, "\"category_id\": 7", "\"category_id\": 99");
        Exception e = assertThrows(IllegalArgumentException.class, () -> CocoAnnotations.read(json.toString(), CONF));
        assertTrue(e.getMessage().contains("annotation 11 has category_id 99") && e.getMessage().contains("[1, 3, 7]"), e.getMessage());
    }

    @Test
    void anAnnotationOfAnImageNotListedIsNamed(@TempDir Path tmp) throws IOException {
        Path json = edited(tmp, "{\"id\": 13, \"image_id\": 2", "{\"id\": 13, \"image_id\": 5");
        Exception e = assertThrows(IllegalArgumentException.class, () -> CocoAnnotations.read(json.toString(), CONF));
        assertTrue(e.getMessage().contains("annotation 13 refers to image_id 5, which is not in its images list"), e.getMessage());
    }

    @Test
    void aListedImageWithoutItsFileIsNamed(@TempDir Path tmp) throws IOException {
        Path json = DetectionFixtures.coco(tmp);
        Files.delete(tmp.resolve("mini/b.jpg"));
        Exception e = assertThrows(IllegalArgumentException.class, () -> CocoAnnotations.read(json.toString(), CONF));
        assertTrue(e.getMessage().contains("image 2 (b.jpg) is not in the image folder"), e.getMessage());
    }

    private static Path edited(Path tmp, String from, String to) throws IOException {
        Path json = DetectionFixtures.coco(tmp);
        String text = Files.readString(json);
        assertTrue(text.contains(from), "fixture holds " + from);
        Files.writeString(json, text.replace(from, to));
        return json;
    }
}
