package io.ringtrain.jobs.run;

import io.ringtrain.engine.io.AtomicFiles;
import io.ringtrain.engine.io.Checkpoint;
import io.ringtrain.engine.io.CorruptCheckpointException;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.Optimizer;
import io.ringtrain.trainer.checkpoint.CheckpointStore;
import io.ringtrain.trainer.checkpoint.Cursor;
import io.ringtrain.trainer.checkpoint.FileCheckpointStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Checkpoints on any Hadoop file system in {@link Checkpoint}'s layout. Local folders go straight
 * to {@link FileCheckpointStore}. Elsewhere a checkpoint is written to a local temporary folder by
 * {@link Checkpoint} (which validates it) and published beside the others through
 * {@link AtomicWrites#publishFolder}; restoring copies the newest folder back and loads it with the
 * same checks.
 */
public final class HadoopCheckpointStore implements CheckpointStore {
    private final String dir;
    private final Configuration conf;
    private final int keepLast;

    public HadoopCheckpointStore(String dir, Configuration conf, int keepLast) {
        this.dir = dir;
        this.conf = conf;
        this.keepLast = keepLast;
    }

    /**
     * The store for {@code dir}: plain files when its file system is the local one, Hadoop's file
     * system API otherwise. A path without a scheme lives on {@code fs.defaultFS}, as the run
     * folder's other files do (on a cluster whose default is HDFS, "runs/x" is on HDFS, not on each
     * executor's local disk, where a retried attempt would not find the checkpoints).
     */
    public static CheckpointStore forPath(String dir, Configuration conf, int keepLast) {
        Path path = new Path(dir);
        FileSystem fs;
        try {
            fs = path.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of the checkpoint folder " + dir, e);
        }
        Path qualified = fs.makeQualified(path);
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
            return new FileCheckpointStore(java.nio.file.Path.of(qualified.toUri()), keepLast);
        }
        return new HadoopCheckpointStore(qualified.toString(), conf, keepLast);
    }

    @Override
    public String location() {
        return dir;
    }

    @Override
    public void save(Module model, Optimizer optimizer, Cursor cursor) throws IOException {
        java.nio.file.Path local = Files.createTempDirectory("ringtrain-ckpt");
        try {
            new FileCheckpointStore(local, 1).save(model, optimizer, cursor);
            java.nio.file.Path written = Checkpoint.latest(local).orElseThrow();
            FileSystem fs = fs();
            AtomicWrites.publishFolder(fs, new Path(dir, written.getFileName().toString()), true, (fileSystem, staged) -> {
                try (var files = Files.list(written)) {
                    for (java.nio.file.Path f : files.toList()) FileUtil.copy(f.toFile(), fileSystem, new Path(staged, f.getFileName().toString()), false, conf);
                }
            });
            List<Path> all = list();
            for (int i = 0; i < all.size() - keepLast; i++) fs.delete(all.get(i), true);
        } finally {
            AtomicFiles.deleteRecursively(local);
        }
    }

    @Override
    public Optional<Cursor> restoreLatest(Module model, Optimizer optimizer) throws IOException {
        return newestIntact(System.err::println, local -> new FileCheckpointStore(local, Integer.MAX_VALUE).restoreLatest(model, optimizer));
    }

    @Override
    public Optional<Cursor> latestCursor(Consumer<String> warnings) throws IOException {
        return newestIntact(warnings, local -> new FileCheckpointStore(local, Integer.MAX_VALUE).latestCursor(warnings));
    }

    private interface LocalRead {
        Optional<Cursor> read(java.nio.file.Path localCopy) throws IOException;
    }

    /**
     * Copies the checkpoints to a local folder one at a time, newest first, until one passes its
     * checksums, and reads that one; the corrupt ones are reported to {@code warnings}.
     */
    private Optional<Cursor> newestIntact(Consumer<String> warnings, LocalRead read) throws IOException {
        List<Path> all = list();
        CorruptCheckpointException newest = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            java.nio.file.Path local = Files.createTempDirectory("ringtrain-restore");
            try {
                Path candidate = all.get(i);
                java.nio.file.Path copy = local.resolve(candidate.getName());
                FileUtil.copy(fs(), candidate, copy.toFile(), false, conf);
                try {
                    Checkpoint.verify(copy);
                } catch (CorruptCheckpointException e) {
                    if (newest == null) newest = e;
                    warnings.accept("WARNING: " + e.getMessage().replace(local.toString(), dir) + "; skipping it for "
                            + (i > 0 ? "the previous checkpoint" : "an older one, but there is none"));
                    continue;
                }
                return read.read(local);
            } finally {
                AtomicFiles.deleteRecursively(local);
            }
        }
        if (newest != null) {
            throw new CorruptCheckpointException("every checkpoint in " + dir + " is corrupt (newest: " + newest.getMessage()
                    + "); move the folder aside to start over, or resume from a copy of the run folder", newest);
        }
        return Optional.empty();
    }

    private FileSystem fs() throws IOException {
        return new Path(dir).getFileSystem(conf);
    }

    private List<Path> list() throws IOException {
        FileSystem fs = fs();
        Path root = new Path(dir);
        if (!fs.exists(root)) return List.of();
        List<Path> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(root)) {
            if (s.isDirectory() && s.getPath().getName().startsWith("step-")) out.add(s.getPath());
        }
        out.sort(Comparator.comparing(Path::getName));
        return out;
    }
}
