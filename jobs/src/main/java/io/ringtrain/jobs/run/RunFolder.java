package io.ringtrain.jobs.run;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A training run's folder on any Hadoop file system (a local path, {@code file:}, {@code hdfs:},
 * {@code s3a:}): checkpoints/, model.safetensors, config.json, metrics.jsonl, summary.json,
 * report.html. Files are written to a hidden temporary name and renamed into place, so readers
 * never see half a file (rename is atomic on local file systems and HDFS; on object stores it is a
 * copy, and a crash can leave only the temporary file behind). Local folders are written through
 * Hadoop's raw local file system: they hold the run's files and no {@code .name.crc} beside each.
 */
public final class RunFolder implements Serializable {
    private final String root;

    public RunFolder(String root) {
        this.root = root;
    }

    public String root() {
        return root;
    }

    public Path path(String name) {
        return name.isEmpty() ? new Path(root) : new Path(root, name);
    }

    /**
     * The folder's file system; for a local folder the raw one, without the {@code .name.crc}
     * checksum file Hadoop's {@link LocalFileSystem} writes beside every file (HDFS and object stores
     * keep their own checksums, out of sight).
     */
    public FileSystem fs(Configuration conf) {
        try {
            FileSystem fs = path("").getFileSystem(conf);
            return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of run folder " + root, e);
        }
    }

    public void writeText(Configuration conf, String name, String text) {
        writeBytes(conf, name, text.getBytes(StandardCharsets.UTF_8));
    }

    public void writeBytes(Configuration conf, String name, byte[] bytes) {
        Path target = path(name);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + System.nanoTime());
        FileSystem fs = fs(conf);
        try {
            fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                out.write(bytes);
                out.hsync();
            }
            if (fs.exists(target)) fs.delete(target, false);
            if (!fs.rename(tmp, target)) throw new IOException("rename " + tmp + " → " + target + " failed");
            deleteStaleChecksum(fs, target);
        } catch (IOException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // best effort
            }
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * A {@code .name.crc} left by an earlier write through the checksummed local file system no longer
     * matches the file: Hadoop would refuse to read it back through that file system.
     */
    private static void deleteStaleChecksum(FileSystem fs, Path target) throws IOException {
        if (!(fs instanceof LocalFileSystem) && fs.getUri().getScheme().equals("file")) {
            fs.delete(new Path(target.getParent(), "." + target.getName() + ".crc"), false);
        }
    }

    /** A safetensors file; {@code dtypes} gives each tensor's file dtype as {@link SafeTensors#write(java.io.OutputStream, Map, Map, Map)} takes it. */
    public void writeTensors(Configuration conf, String name, Map<String, Tensor> tensors, Map<String, String> dtypes, Map<String, String> metadata) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            SafeTensors.write(buf, tensors, dtypes, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeBytes(conf, name, buf.toByteArray());
    }

    public SafeTensors.Contents readTensors(Configuration conf, String name) throws IOException {
        Path p = path(name);
        try (InputStream in = fs(conf).open(p)) {
            return SafeTensors.read(new java.io.BufferedInputStream(in, 1 << 16), p.toString());
        }
    }

    public boolean exists(Configuration conf, String name) {
        try {
            return fs(conf).exists(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String readText(Configuration conf, String name) throws IOException {
        try (InputStream in = fs(conf).open(path(name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
