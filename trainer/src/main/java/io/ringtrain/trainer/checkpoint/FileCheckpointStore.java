package io.ringtrain.trainer.checkpoint;

import io.ringtrain.engine.io.Checkpoint;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Checkpoints in a local folder ({@link Checkpoint}'s layout), keeping the last {@code keepLast}. */
public final class FileCheckpointStore implements CheckpointStore {
    private final Path dir;
    private final int keepLast;

    public FileCheckpointStore(Path dir, int keepLast) {
        if (keepLast < 1) throw new IllegalArgumentException("keepLast must be ≥ 1, got " + keepLast);
        this.dir = dir;
        this.keepLast = keepLast;
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public void save(Module model, Optimizer optimizer, Cursor cursor) throws IOException {
        Checkpoint.save(dir, model, optimizer, cursor.toEngineState());
        Checkpoint.keepLast(dir, keepLast);
    }

    @Override
    public Optional<Cursor> restoreLatest(Module model, Optimizer optimizer) throws IOException {
        return Checkpoint.loadLatest(dir, model, optimizer).map(Cursor::fromEngineState);
    }

    @Override
    public Optional<Cursor> latestCursor(Consumer<String> warnings) throws IOException {
        Optional<Path> latest = Checkpoint.latestIntact(dir, warnings);
        return latest.isEmpty() ? Optional.empty() : Optional.of(Cursor.fromEngineState(Checkpoint.readState(latest.get())));
    }

    /** The cursor of the newest intact checkpoint, without loading tensors; warnings go to stderr. */
    public Optional<Cursor> latestCursor() throws IOException {
        return latestCursor(System.err::println);
    }

    public List<Path> checkpoints() throws IOException {
        return Checkpoint.list(dir);
    }
}
