package io.ringtrain.jobs.testing;

import io.ringtrain.engine.data.ProjectData;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Locates the project's data and writes small IDX subsets for Spark tests. */
public final class TestData {
    private TestData() {}

    /** The repository root (the folder holding data/). */
    public static Path repoRoot() {
        return ProjectData.repoRoot();
    }

    public static Path bundledSample() {
        return ProjectData.fashionMnistSample();
    }

    /** The full Fashion-MNIST committed under data/fashion-mnist. */
    public static Path fullFashionMnist() {
        return ProjectData.fashionMnist();
    }

    /** data/tinyshakespeare/input.txt (1.1 MB of plain text). */
    public static Path tinyShakespeare() {
        return ProjectData.tinyShakespeare();
    }

    /** Copies the first {@code train}/{@code test} records of an IDX folder into {@code dst} (gzip IDX). */
    public static Path idxSubset(Path src, Path dst, int train, int test) throws IOException {
        Files.createDirectories(dst);
        for (String split : new String[] {"train", "t10k"}) {
            int n = split.equals("train") ? train : test;
            copyFirst(src.resolve(split + "-images-idx3-ubyte.gz"), dst.resolve(split + "-images-idx3-ubyte.gz"), n);
            copyFirst(src.resolve(split + "-labels-idx1-ubyte.gz"), dst.resolve(split + "-labels-idx1-ubyte.gz"), n);
        }
        return dst;
    }

    private static void copyFirst(Path src, Path dst, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(src)));
             DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dst)))) {
            int magic = in.readInt();
            int dims = magic & 0xff;
            int[] shape = new int[dims];
            for (int i = 0; i < dims; i++) shape[i] = in.readInt();
            int per = 1;
            for (int i = 1; i < dims; i++) per *= shape[i];
            out.writeInt(magic);
            out.writeInt(n);
            for (int i = 1; i < dims; i++) out.writeInt(shape[i]);
            byte[] body = new byte[n * per];
            in.readFully(body);
            out.write(body);
        }
    }

    /** Writes {@code bytes} over a copy of {@code src}'s label file so label {@code index} becomes {@code value}. */
    public static void setLabel(Path idxFolder, String split, int index, int value) throws IOException {
        Path file = idxFolder.resolve(split + "-labels-idx1-ubyte.gz");
        byte[] raw;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            raw = in.readAllBytes();
        }
        raw[8 + index] = (byte) value;
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(raw);
        }
    }
}
