package io.ringtrain.jobs.data;

import io.ringtrain.jobs.augment.Image;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Image folders and Parquet columns often hold 8-bit greyscale PNGs (MNIST-style exports). */
class GreyscalePngDecodingTest {
    @Test
    void greyscalePngDecodesToItsStoredValuesInOneOrThreeChannels() throws Exception {
        int[] values = {0, 50, 100, 200, 255};
        BufferedImage img = new BufferedImage(values.length, 1, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < values.length; x++) img.getRaster().setSample(x, 0, 0, values[x]);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        ImageRecord record = new ImageRecord(1, 0, 0, 0, 0, true, png.toByteArray(), "grey.png");

        Image grey = RecordSamples.decode(record, 1);
        Image rgb = RecordSamples.decode(record, 3);

        float[] expected = {0, 50, 100, 200, 255};
        assertArrayEquals(expected, grey.data(), 0f, "exact: PNG is lossless");
        assertArrayEquals(new float[] {0, 50, 100, 200, 255, 0, 50, 100, 200, 255, 0, 50, 100, 200, 255}, rgb.data(), 0f);
    }
}
