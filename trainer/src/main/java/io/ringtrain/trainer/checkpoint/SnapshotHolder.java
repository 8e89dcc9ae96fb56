package io.ringtrain.trainer.checkpoint;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a replica keeps its in-memory {@link Snapshot}: one at a time, the newest replacing the
 * previous. It lives outside the training task (e.g. in the executor JVM), so that a retry on the
 * same machine finds it after the task that made it was killed.
 */
public interface SnapshotHolder {
    /**
     * Keeps the snapshot of {@code step} that {@code capture} makes, replacing the one held; it may
     * skip the capture (a costly copy) when it already holds that step (ranks sharing one JVM).
     */
    void keep(long step, Supplier<Snapshot> capture);

    /** The snapshot held, if any. */
    Optional<Snapshot> latest();
}
