package io.ringtrain.jobs.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The product's one reader of the IDX files of MNIST and Fashion-MNIST, gzip-compressed (detected
 * by its magic bytes, whatever the file is named) or raw. Format: a big-endian magic 0x0000TTDD
 * (TT = 0x08 for unsigned bytes, DD = number of dimensions), DD big-endian int32 sizes, then the
 * values row-major. Images are {@code idx3} (0x00000803: count × rows × cols), labels {@code idx1}
 * (0x00000801: count). A file that is not such a file is bad input: {@link IllegalArgumentException}
 * naming the file and what is wrong; a failing read is an {@link IOException}.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private IdxReader() {}

    /** Unsigned-byte data of any rank: its sizes and values 0..255 (as stored, in signed bytes). */
    public record IdxArray(int[] dims, byte[] values) {
        public int count() {
            return dims[0];
        }

        /** Labels [count] as ints 0..255. */
        public int[] labels() {
            int[] labels = new int[values.length];
            for (int i = 0; i < labels.length; i++) labels[i] = values[i] & 0xff;
            return labels;
        }
    }

    /** Images [count, rows, cols] from an idx3 stream; {@code name} names the file in errors. */
    public static IdxArray readImages(InputStream in, String name) throws IOException {
        return withRank(read(in, name, Integer.MAX_VALUE), 3, name, "an IDX image file", "images", "0x00000803");
    }

    /** Labels [count] from an idx1 stream. */
    public static int[] readLabels(InputStream in, String name) throws IOException {
        return withRank(read(in, name, Integer.MAX_VALUE), 1, name, "an IDX label file", "labels", "0x00000801").labels();
    }

    /** The first {@code maxItems} images of an idx3 stream (all when it holds fewer), for a preview. */
    public static IdxArray readFirstImages(InputStream in, String name, int maxItems) throws IOException {
        return withRank(read(in, name, maxItems), 3, name, "an IDX image file", "images", "0x00000803");
    }

    /** The first {@code maxItems} labels of an idx1 stream. */
    public static int[] readFirstLabels(InputStream in, String name, int maxItems) throws IOException {
        return withRank(read(in, name, maxItems), 1, name, "an IDX label file", "labels", "0x00000801").labels();
    }

    private static IdxArray withRank(IdxArray a, int rank, String name, String kind, String what, String magic) {
        if (a.dims().length != rank) {
            throw new IllegalArgumentException(name + " is not " + kind + ": it has " + a.dims().length + " dimensions, "
                    + what + " need " + rank + " (magic " + magic + ")");
        }
        return a;
    }

    /**
     * Reads the header and the first {@code maxItems} items along the first dimension (the whole
     * file, checked to end where its header says, when {@code maxItems} covers it).
     */
    private static IdxArray read(InputStream source, String name, int maxItems) throws IOException {
        InputStream raw = new BufferedInputStream(source, 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        InputStream in = (b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        DataInputStream data = new DataInputStream(in);
        int magic;
        try {
            magic = data.readInt();
        } catch (EOFException e) {
            throw new IllegalArgumentException(name + " is empty or truncated: no IDX header", e);
        }
        int type = (magic >>> 8) & 0xff, rank = magic & 0xff;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || rank < 1 || rank > 4) {
            throw new IllegalArgumentException(String.format("%s has magic 0x%08x, which is not an unsigned-byte IDX file (expected 0x00000801 for labels "
                    + "or 0x00000803 for images); is it the right file, and gzip or raw IDX?", name, magic));
        }
        int[] dims = new int[rank];
        long itemSize = 1;
        for (int i = 0; i < rank; i++) {
            try {
                dims[i] = data.readInt();
            } catch (EOFException e) {
                throw new IllegalArgumentException(name + " is truncated: its header ends before dimension " + i, e);
            }
            if (dims[i] < 0) throw new IllegalArgumentException(name + ": dimension " + i + " has negative size " + dims[i]);
            if (i > 0) itemSize *= dims[i];
        }
        boolean whole = maxItems >= dims[0];
        long total = itemSize * Math.min(dims[0], maxItems);
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(name + ": " + total + " values are too many for one array");
        byte[] values = new byte[(int) total];
        int read = data.readNBytes(values, 0, values.length);
        if (read != values.length) {
            throw new IllegalArgumentException(name + " is truncated: its header promises " + itemSize * dims[0] + " values, the file holds " + read);
        }
        if (whole && data.read() != -1) {
            throw new IllegalArgumentException(name + " is longer than its header says (" + total + " values): wrong file or corrupted header");
        }
        int[] readDims = Arrays.copyOf(dims, rank);
        readDims[0] = Math.min(dims[0], maxItems);
        return new IdxArray(readDims, values);
    }
}
