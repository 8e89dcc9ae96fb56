package io.ringtrain.engine.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static byte[] idx(int magic, int[] dims, byte[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) out.writeInt(d);
        out.write(values);
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(content);
        }
        return p;
    }

    @Test
    void readsGzipImagesAndRawLabelsIntoADataset() throws IOException {
        byte[] pixels = {0, (byte) 255, 51, 102, 0, 0, 0, (byte) 128};
        Path images = write("train-images-idx3-ubyte.gz", idx(0x803, new int[] {2, 2, 2}, pixels), true);
        Path labels = write("train-labels-idx1-ubyte", idx(0x801, new int[] {2}, new byte[] {7, 3}), false);
        ArrayDataset d = ArrayDataset.fromIdx(images, labels);
        assertEquals(2, d.size());
        assertArrayEquals(new int[] {1, 2, 2}, d.sampleShape());
        assertArrayEquals(new int[] {7, 3}, d.labels());
        assertEquals(1f, d.features()[1], "255 → 1.0");
        assertEquals(128 / 255f, d.features()[7], 1e-7f);
    }

    @Test
    void readsTheRealFashionMnistTestLabels() throws IOException {
        Path data = ProjectData.fashionMnist();
        int[] labels = IdxReader.readLabels(data.resolve("t10k-labels-idx1-ubyte.gz"));
        assertEquals(10_000, labels.length);
        int[] perClass = new int[10];
        for (int l : labels) perClass[l]++;
        for (int c = 0; c < 10; c++) assertEquals(1000, perClass[c], "Fashion-MNIST's test set is balanced: class " + c);
    }

    @Test
    void badMagicNamesTheFile() throws IOException {
        Path p = write("bogus.gz", idx(0x12345678, new int[] {1}, new byte[] {1}), true);
        var e = assertThrows(IOException.class, () -> IdxReader.read(p));
        assertTrue(e.getMessage().contains("bogus.gz") && e.getMessage().contains("0x12345678"), e.getMessage());
    }

    @Test
    void truncatedOrOverlongFilesAreRejectedWithTheirName() throws IOException {
        Path shortFile = write("short", idx(0x803, new int[] {2, 2, 2}, new byte[5]), false);
        var e = assertThrows(IOException.class, () -> IdxReader.readImages(shortFile));
        assertTrue(e.getMessage().contains("short") && e.getMessage().contains("truncated"), e.getMessage());
        Path longFile = write("long", idx(0x801, new int[] {2}, new byte[3]), false);
        var l = assertThrows(IOException.class, () -> IdxReader.readLabels(longFile));
        assertTrue(l.getMessage().contains("long"), l.getMessage());
        Path labelsAsImages = write("labels", idx(0x801, new int[] {2}, new byte[2]), false);
        assertThrows(IOException.class, () -> IdxReader.readImages(labelsAsImages));
    }

    @Test
    void mismatchedCountsAreReported() throws IOException {
        Path images = write("i", idx(0x803, new int[] {2, 1, 1}, new byte[2]), false);
        Path labels = write("l", idx(0x801, new int[] {3}, new byte[3]), false);
        var e = assertThrows(IOException.class, () -> ArrayDataset.fromIdx(images, labels));
        assertTrue(e.getMessage().contains("2 images") && e.getMessage().contains("3 labels"), e.getMessage());
    }
}
