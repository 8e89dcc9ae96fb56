package io.ringtrain.jobs.data;

import io.ringtrain.jobs.augment.Image;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A detection record's boxes are in its annotated size: an image that decodes to another size is a bad record. */
class AnnotatedRecordTest {
    @Test
    void anImageOfAnotherSizeThanItsAnnotationIsAWrongShapeRecord() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(Image.fromHwcBytes(new byte[20 * 10], 20, 10, 1).toBufferedImage(), "png", png);
        ObjectBoxes objects = new ObjectBoxes(new float[] {1, 1, 5, 5}, new int[] {0}, new boolean[] {false});
        ImageRecord fits = new ImageRecord(1, 0, 10, 20, 0, true, png.toByteArray(), "fits.png", objects);
        ImageRecord wrong = new ImageRecord(2, 0, 12, 20, 0, true, png.toByteArray(), "wrong.png", objects);

        assertEquals(1, RecordSamples.prepare(fits, new int[] {1, 10, 20}, null, 0).boxes().count());
        BadRecordException e = assertThrows(BadRecordException.class, () -> RecordSamples.check(wrong, new int[] {1, 10, 20}, 2, null));
        assertEquals(BadRecordException.Kind.WRONG_SHAPE, e.kind());
        assertTrue(e.getMessage().contains("wrong.png decodes to 20×10 but its annotation says 20×12"), e.getMessage());
    }
}
