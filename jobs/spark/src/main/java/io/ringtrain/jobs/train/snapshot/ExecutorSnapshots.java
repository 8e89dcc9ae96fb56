package io.ringtrain.jobs.train.snapshot;

import io.ringtrain.trainer.checkpoint.Snapshot;
import io.ringtrain.trainer.checkpoint.SnapshotHolder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The in-memory snapshot of the training job running in this JVM (an executor, or the driver in
 * local mode), kept outside the barrier task so that it survives the task's kill: a retry's task
 * on this executor finds it. One slot for the whole JVM: the replicas of one job hold the same
 * state, so ranks sharing a JVM share one copy.
 *
 * <p>A snapshot replaces the one held when it belongs to another job (a new job id releases the
 * old job's), to a later attempt, or to a later step of the same attempt. A task of an earlier
 * attempt still winding down after a kill never replaces a later attempt's. {@link #release}
 * drops it when the job ends.
 */
public final class ExecutorSnapshots {
    private record Held(String jobId, int generation, Snapshot snapshot) {}

    private static Held held;

    private ExecutorSnapshots() {}

    /** The holder a replica of job {@code jobId} in attempt {@code generation} (later attempts: higher) keeps its snapshots in. */
    public static SnapshotHolder holder(String jobId, int generation) {
        return new SnapshotHolder() {
            @Override
            public void keep(long step, Supplier<Snapshot> capture) {
                if (!wants(jobId, generation, step)) return;
                Snapshot s = capture.get(); // outside the lock: the copy takes a while, and other ranks in this JVM may check meanwhile
                put(new Held(jobId, generation, s));
            }

            @Override
            public Optional<Snapshot> latest() {
                return ExecutorSnapshots.latest(jobId);
            }
        };
    }

    /** The snapshot held for {@code jobId}, if any. */
    public static synchronized Optional<Snapshot> latest(String jobId) {
        return held != null && held.jobId.equals(jobId) ? Optional.of(held.snapshot) : Optional.empty();
    }

    /** Drops the snapshot of {@code jobId}, if it is the one held. */
    public static synchronized void release(String jobId) {
        if (held != null && held.jobId.equals(jobId)) held = null;
    }

    /** Bytes the snapshot held takes (0: none). */
    public static synchronized long heldBytes() {
        return held == null ? 0 : held.snapshot.sizeBytes();
    }

    /**
     * The id of the job whose ring key is {@code secret}: the key is fresh for each job and the
     * same for all its attempts; its hash names the job without revealing the key.
     */
    public static String jobIdOf(byte[] secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(concat("ringtrain snapshot job id".getBytes(StandardCharsets.US_ASCII), secret));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static synchronized boolean wants(String jobId, int generation, long step) {
        return held == null || !held.jobId.equals(jobId) || generation > held.generation
                || (generation == held.generation && step > held.snapshot.step());
    }

    private static synchronized void put(Held candidate) {
        if (wants(candidate.jobId, candidate.generation, candidate.snapshot.step())) held = candidate;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
