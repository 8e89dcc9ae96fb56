package io.ringtrain.engine.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, gzip-compressed ({@code .gz}, detected by its
 * magic bytes) or raw. Format: a big-endian magic 0x0000TTDD (TT = 0x08 for unsigned bytes,
 * DD = number of dimensions), DD big-endian int32 sizes, then the values row-major. Images are
 * {@code idx3} (0x00000803: count × rows × cols), labels {@code idx1} (0x00000801: count).
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {}

    /** Unsigned-byte data of any rank: its sizes and values 0..255. */
    public record IdxArray(int[] dims, byte[] values) {
        public int count() {
            return dims[0];
        }
    }

    /** Images [count, rows, cols] from an idx3 file. */
    public static IdxArray readImages(Path file) throws IOException {
        IdxArray a = read(file);
        if (a.dims().length != 3) {
            throw new IOException(file + " is not an IDX image file: it has " + a.dims().length + " dimensions, images need 3 (magic 0x00000803)");
        }
        return a;
    }

    /** Labels [count] from an idx1 file, as ints. */
    public static int[] readLabels(Path file) throws IOException {
        IdxArray a = read(file);
        if (a.dims().length != 1) {
            throw new IOException(file + " is not an IDX label file: it has " + a.dims().length + " dimensions, labels need 1 (magic 0x00000801)");
        }
        int[] labels = new int[a.values().length];
        for (int i = 0; i < labels.length; i++) labels[i] = a.values()[i] & 0xff;
        return labels;
    }

    public static IdxArray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "IDX file not found");
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
            DataInputStream data = new DataInputStream(in);
            int magic;
            try {
                magic = data.readInt();
            } catch (EOFException e) {
                throw new IOException(file + " is empty or truncated: no IDX header", e);
            }
            int type = (magic >>> 8) & 0xff, rank = magic & 0xff;
            if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || rank < 1 || rank > 4) {
                throw new IOException(String.format("%s has magic 0x%08x, which is not an unsigned-byte IDX file (expected 0x00000801 for labels "
                        + "or 0x00000803 for images); is it the right file, and gzip or raw IDX?", file, magic));
            }
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = data.readInt();
                if (dims[i] < 0) throw new IOException(file + ": dimension " + i + " has negative size " + dims[i]);
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 8) throw new IOException(file + ": " + total + " values are too many for one array");
            byte[] values = new byte[(int) total];
            int read = data.readNBytes(values, 0, values.length);
            if (read != values.length) {
                throw new IOException(file + " is truncated: its header promises " + total + " values, the file holds " + read);
            }
            if (data.read() != -1) {
                throw new IOException(file + " is longer than its header says (" + total + " values): wrong file or corrupted header");
            }
            return new IdxArray(dims, values);
        }
    }
}
