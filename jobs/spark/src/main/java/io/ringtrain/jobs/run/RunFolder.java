package io.ringtrain.jobs.run;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ClusterStorageCapacityExceededException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardCopyOption;
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
        write(conf, name, out -> out.write(bytes));
    }

    /** What {@link #write} writes into the temporary file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code content} to a hidden temporary file beside {@code name} and renames it over
     * {@code name} in one step (a reader sees the old file or the new one, never none). On any
     * failure, an {@link Error} too (Hadoop's {@code FSError} when a local disk is full), the
     * temporary file is removed and the old file is left as it was.
     */
    public void write(Configuration conf, String name, Content content) {
        Path target = path(name);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + System.nanoTime());
        FileSystem fs = fs(conf);
        boolean done = false;
        try {
            fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                content.writeTo(out);
                out.hsync();
            }
            replace(fs, conf, tmp, target);
            done = true;
            deleteStaleChecksum(fs, target);
        } catch (IOException | FSError e) { // FSError: the local file system's IOException, a full disk among them
            throw writeFailure(target, e);
        } finally {
            if (!done) deleteQuietly(fs, tmp);
        }
    }

    /**
     * Renames {@code tmp} over {@code target} atomically where the file system can: a local folder by
     * an atomic rename(2), HDFS by a rename with overwrite; object stores copy (they have no rename).
     */
    private static void replace(FileSystem fs, Configuration conf, Path tmp, Path target) throws IOException {
        if (fs.getUri().getScheme().equals("file")) {
            java.nio.file.Files.move(java.nio.file.Path.of(fs.makeQualified(tmp).toUri()), java.nio.file.Path.of(fs.makeQualified(target).toUri()),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        FileContext.getFileContext(fs.getUri(), conf).rename(tmp, target, Options.Rename.OVERWRITE);
    }

    /**
     * The failure in one line. A full disk or an exhausted quota says so and what to do, as the
     * deepest exception (the one {@code RootCause} reports), carrying the original's stack trace.
     */
    static UncheckedIOException writeFailure(Path target, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof ClusterStorageCapacityExceededException || message.contains("No space left on device")
                    || message.toLowerCase(java.util.Locale.ROOT).contains("quota")) {
                String reason = message.replaceAll("(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*: ", ""); // "java.io.IOException: No space…" → "No space…"
                DiskFullException full = new DiskFullException("cannot write " + target + ": the disk is full (" + reason
                        + "); the old file is kept and no partial file is left. Free space there or give --run-dir a folder with room,"
                        + " then rerun the same command to resume");
                full.setStackTrace(e.getStackTrace());
                return new UncheckedIOException(full.getMessage(), full);
            }
        }
        String message = "cannot write " + target + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return new UncheckedIOException(message, e instanceof IOException io ? io : new IOException(e));
    }

    /** The run folder's disk (or quota) is full. */
    static final class DiskFullException extends IOException {
        DiskFullException(String message) {
            super(message);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path tmp) {
        try {
            fs.delete(tmp, false);
        } catch (IOException | RuntimeException ignored) {
            // best effort: the failure being reported matters more
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
            throw writeFailure(target, e);
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
