package io.ringtrain.jobs.run;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.AtomicFiles;
import io.ringtrain.engine.io.SafeTensors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A training run's folder on any Hadoop file system (a local path, {@code file:}, {@code hdfs:},
 * {@code s3a:}): checkpoints/, model.safetensors, config.json, metrics.jsonl, summary.json,
 * report.html. Files are published through {@link AtomicWrites}, so readers never see half a file,
 * and a local folder holds the run's files and no {@code .name.crc} beside each.
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

    /** The folder's file system, as {@link AtomicWrites#fileSystem} opens it (no {@code .name.crc} files locally). */
    public FileSystem fs(Configuration conf) {
        return AtomicWrites.fileSystem(path(""), conf);
    }

    public void writeText(Configuration conf, String name, String text) {
        writeBytes(conf, name, text.getBytes(StandardCharsets.UTF_8));
    }

    public void writeBytes(Configuration conf, String name, byte[] bytes) {
        write(conf, name, out -> out.write(bytes));
    }

    /**
     * Publishes {@code name} through {@link AtomicWrites#write}: a reader sees the old file or the new
     * one, never none; on any failure the temporary file is removed and the old file is left as it was.
     */
    public void write(Configuration conf, String name, AtomicFiles.Content content) {
        AtomicWrites.write(conf, path(name), content);
    }

    /**
     * Appends {@code text} to {@code name} (created when missing) and syncs it, leaving the bytes
     * already there untouched: for logs whose history must survive whatever happens after it was
     * written. Throws {@link UnsupportedOperationException} where the file system cannot append
     * (most object stores); the caller then rewrites the file with {@link #writeText}.
     */
    public void appendText(Configuration conf, String name, String text) {
        Path target = path(name);
        FileSystem fs = fs(conf);
        try {
            boolean exists = fs.exists(target);
            if (!exists) fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = exists ? fs.append(target) : fs.create(target, false)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.hsync();
            }
        } catch (UnsupportedOperationException e) {
            throw e;
        } catch (IOException | FSError e) {
            if (String.valueOf(e.getMessage()).contains("Not supported")) throw new UnsupportedOperationException(e.getMessage(), e);
            throw AtomicWrites.writeFailure(target, e);
        }
    }

    /** A safetensors file; {@code dtypes} gives each tensor's file dtype as {@link SafeTensors#write(java.io.OutputStream, Map, Map, Map)} takes it. */
    public void writeTensors(Configuration conf, String name, Map<String, Tensor> tensors, Map<String, String> dtypes, Map<String, String> metadata) {
        write(conf, name, out -> {
            java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
            SafeTensors.write(buffered, tensors, dtypes, metadata);
            buffered.flush();
        });
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
