package io.ringtrain.jobs.run;

import io.ringtrain.engine.io.AtomicFiles;
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
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The one way {@code jobs} publishes a file or a folder on any Hadoop file system (a local path,
 * {@code file:}, {@code hdfs:}, {@code s3a:}): written under a hidden temporary name beside the
 * target ({@code .NAME.tmp-RANDOM}, which clean-ups recognise) and renamed into place, so readers
 * never see half of one. Local files go through {@link AtomicFiles} (an atomic rename(2), no
 * {@code .name.crc} side file); HDFS renames with overwrite; object stores have no rename and copy,
 * so a crash there can leave only the temporary copy behind. On any failure, an {@link Error} too,
 * the temporary copy is removed and the old version is left as it was.
 */
public final class AtomicWrites {
    private AtomicWrites() {}

    /** What {@link #publishFolder} writes into the staged folder before renaming it into place. */
    @FunctionalInterface
    public interface FolderContent {
        void writeInto(FileSystem fs, Path staged) throws IOException;
    }

    /**
     * The file system of {@code path}; for a local path the raw one, without the {@code .name.crc}
     * checksum file Hadoop's {@link LocalFileSystem} writes beside every file (HDFS and object stores
     * keep their own checksums, out of sight).
     */
    public static FileSystem fileSystem(Path path, Configuration conf) {
        try {
            FileSystem fs = path.getFileSystem(conf);
            return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + path, e);
        }
    }

    /**
     * Writes {@code content} to a hidden temporary file beside {@code target} and renames it over
     * {@code target} in one step where the file system can (a reader sees the old file or the new
     * one, never none). Creates the parent folders. Failures come back as one line naming the file;
     * a full disk or an exhausted quota says so (see {@link #writeFailure}).
     */
    public static void write(Configuration conf, Path target, AtomicFiles.Content content) {
        FileSystem fs = fileSystem(target, conf);
        try {
            if (isLocal(fs)) {
                AtomicFiles.write(java.nio.file.Path.of(fs.makeQualified(target).toUri()), content);
                deleteStaleChecksum(fs, target);
                return;
            }
            Path tmp = new Path(target.getParent(), AtomicFiles.temporaryName(target.getName()));
            boolean done = false;
            try {
                fs.mkdirs(target.getParent());
                try (FSDataOutputStream out = fs.create(tmp, true)) {
                    content.writeTo(out);
                    out.hsync();
                }
                FileContext.getFileContext(fs.getUri(), conf).rename(tmp, target, Options.Rename.OVERWRITE);
                done = true;
            } finally {
                if (!done) deleteQuietly(fs, tmp);
            }
        } catch (IOException | FSError e) { // FSError: the local file system's IOException, a full disk among them
            throw writeFailure(target, e);
        }
    }

    /**
     * Publishes a folder: {@code content} fills a hidden staged folder beside {@code target}, which
     * is then renamed to {@code target} (a directory rename: atomic on HDFS and local file systems).
     * An existing {@code target} is deleted first when {@code replace}, and is an error otherwise.
     * On any failure the staged folder is removed.
     */
    public static void publishFolder(FileSystem fs, Path target, boolean replace, FolderContent content) throws IOException {
        Path staged = new Path(target.getParent(), AtomicFiles.temporaryName(target.getName()));
        boolean done = false;
        try {
            fs.mkdirs(staged);
            content.writeInto(fs, staged);
            if (fs.exists(target)) {
                if (!replace) throw new IOException(target + " already exists");
                fs.delete(target, true);
            }
            if (!fs.rename(staged, target)) throw new IOException("cannot rename " + staged + " to " + target);
            done = true;
        } finally {
            if (!done) deleteQuietly(fs, staged);
        }
    }

    /** True for a hidden temporary name {@link #write} or {@link #publishFolder} left behind when its process died. */
    public static boolean isTemporaryName(String name) {
        return name.startsWith(".") && name.contains(".tmp-");
    }

    /**
     * The failure in one line. A full disk or an exhausted quota says so and what to do, as the
     * deepest exception (the one {@code RootCause} reports), carrying the original's stack trace.
     */
    static UncheckedIOException writeFailure(Path target, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof ClusterStorageCapacityExceededException || message.contains("No space left on device")
                    || message.toLowerCase(Locale.ROOT).contains("quota")) {
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

    /** The disk (or quota) under a published file is full. */
    static final class DiskFullException extends IOException {
        DiskFullException(String message) {
            super(message);
        }
    }

    private static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getUri().getScheme());
    }

    private static void deleteQuietly(FileSystem fs, Path tmp) {
        try {
            fs.delete(tmp, true);
        } catch (IOException | RuntimeException ignored) {
            // best effort: the failure being reported matters more
        }
    }

    /**
     * A {@code .name.crc} left by an earlier write through the checksummed local file system no longer
     * matches the file: Hadoop would refuse to read it back through that file system.
     */
    private static void deleteStaleChecksum(FileSystem fs, Path target) throws IOException {
        fs.delete(new Path(target.getParent(), "." + target.getName() + ".crc"), false);
    }
}
