package io.ringtrain.trainer.checkpoint;

import java.io.IOException;
import java.util.Optional;

/**
 * Where rank 0 writes checkpoints and every rank reads the latest one on resume. A save is atomic
 * (a reader sees the old latest or the new one, never a partial one) and keeps the last K.
 */
public interface CheckpointStore {
    void save(TrainingState state) throws IOException;

    Optional<TrainingState> latest() throws IOException;

    /** Human-readable location (a folder or URI) for logs. */
    String location();
}
