package io.ringtrain.trainer.checkpoint;

import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.Optimizer;

import java.io.IOException;
import java.util.Optional;

/**
 * Where rank 0 writes checkpoints and every rank reads the latest one on resume. The layout is the
 * engine's {@link io.ringtrain.engine.io.Checkpoint}. A save is atomic (a reader sees the old
 * latest or the new one, never a partial one) and keeps the last K.
 */
public interface CheckpointStore {
    void save(Module model, Optimizer optimizer, Cursor cursor) throws IOException;

    /** Loads the latest checkpoint into {@code model} and {@code optimizer} and returns its cursor; empty if none. */
    Optional<Cursor> restoreLatest(Module model, Optimizer optimizer) throws IOException;

    /** Human-readable location (a folder or URI) for logs. */
    String location();
}
