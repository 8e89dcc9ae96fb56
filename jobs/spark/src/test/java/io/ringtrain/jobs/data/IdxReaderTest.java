package io.ringtrain.jobs.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    /** Three 2×2 images holding 0..11, 200..211 offset so values above 127 appear. */
    private static byte[] images() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(3);
        out.writeInt(2);
        out.writeInt(2);
        for (int i = 0; i < 12; i++) out.writeByte(200 + i);
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }

    @Test
    void readsRawAndGzipImagesAlikeWhateverTheFileIsCalled() throws IOException {
        IdxReader.IdxArray raw = IdxReader.readImages(new ByteArrayInputStream(images()), "raw");
        IdxReader.IdxArray zipped = IdxReader.readImages(new ByteArrayInputStream(gzip(images())), "no-gz-suffix");

        assertArrayEquals(new int[] {3, 2, 2}, raw.dims());
        assertArrayEquals(raw.values(), zipped.values());
        assertEquals(211, raw.values()[11] & 0xff);
    }

    @Test
    void readsTheFirstImagesOnlyWhenAskedForFewer() throws IOException {
        IdxReader.IdxArray first = IdxReader.readFirstImages(new ByteArrayInputStream(images()), "images", 2);

        assertArrayEquals(new int[] {2, 2, 2}, first.dims());
        assertEquals(8, first.values().length);
        assertEquals(207, first.values()[7] & 0xff);
    }

    @Test
    void aLabelFileWhereImagesAreExpectedIsRefusedNamingTheFile() throws IOException {
        byte[] labels = {0, 0, 8, 1, 0, 0, 0, 2, 4, 9};
        assertArrayEquals(new int[] {4, 9}, IdxReader.readLabels(new ByteArrayInputStream(labels), "labels"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdxReader.readImages(new ByteArrayInputStream(labels), "data/train-labels-idx1-ubyte"));
        assertTrue(e.getMessage().startsWith("data/train-labels-idx1-ubyte is not an IDX image file"), e.getMessage());
    }

    @Test
    void aTruncatedOrForeignFileIsRefusedNamingTheFile() throws IOException {
        byte[] whole = images();
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 1);
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
                () -> IdxReader.readImages(new ByteArrayInputStream(truncated), "cut"));
        assertTrue(cut.getMessage().startsWith("cut is truncated"), cut.getMessage());

        IllegalArgumentException png = assertThrows(IllegalArgumentException.class,
                () -> IdxReader.readImages(new ByteArrayInputStream(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0}), "photo.png"));
        assertTrue(png.getMessage().startsWith("photo.png has magic 0x89504e47"), png.getMessage());
    }
}
