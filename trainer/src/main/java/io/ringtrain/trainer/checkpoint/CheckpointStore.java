package io.ringtrain.trainer.checkpoint;

import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.Optimizer;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where rank 0 writes checkpoints and every rank reads the latest one on resume. The layout is the
 * engine's {@link io.ringtrain.engine.io.Checkpoint}. A save is atomic (a reader sees the old
 * latest or the new one, never a partial one) and keeps the last K.
 */
public interface CheckpointStore {
    void save(Module model, Optimizer optimizer, Cursor cursor) throws IOException;

    /**
     * Loads the newest intact checkpoint into {@code model} and {@code optimizer} and returns its
     * cursor; empty if none. A newer corrupt one is skipped with a warning naming its file (on
     * stderr: the executor's log); when every one is corrupt it throws
     * {@link io.ringtrain.engine.io.CorruptCheckpointException}.
     */
    Optional<Cursor> restoreLatest(Module model, Optimizer optimizer) throws IOException;

    /**
     * The cursor of the newest intact checkpoint, without loading it into a model (e.g. to check a
     * resume's settings before training starts); corrupt newer ones are reported to {@code warnings}.
     */
    Optional<Cursor> latestCursor(Consumer<String> warnings) throws IOException;

    /** Human-readable location (a folder or URI) for logs. */
    String location();
}
