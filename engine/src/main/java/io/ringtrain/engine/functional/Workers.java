package io.ringtrain.engine.functional;

import io.ringtrain.engine.backend.Backend;
import io.ringtrain.engine.backend.Placement;
import io.ringtrain.engine.cpu.CpuPool;

/**
 * How the layers' kernels split a batch (images, planes, channels) into contiguous ranges, one
 * range per thread, on the engine's one thread pool ({@link CpuPool#shared()}, sized to the cores
 * or {@code -Dringtrain.threads=N}). The calling thread takes ranges too, so nested use cannot
 * deadlock.
 *
 * <p>Why a range per thread and not a task per element: a range is one lambda call and one loop,
 * so the per-element cost is the loop body alone, and each thread can own scratch buffers (see
 * the {@code chunk} argument) — e.g. the per-thread partial weight gradient of {@link Conv2dKernels}.
 * Results depend on the number of threads only where partial sums are added (Conv2d's weight
 * gradient), and then only by float rounding.
 *
 * <p>Every range runs on the caller's backend ({@link Placement}): the pool threads are shared by all
 * replicas of the JVM, so each range binds the caller's backend for its duration and unbinds it after.
 */
public final class Workers {
    /** Ranges smaller than this many units of work run on the calling thread alone. */
    private static final long MIN_PARALLEL_WORK = 1L << 15;

    private Workers() {}

    /** The work of one thread: items {@code start ≤ i < end}; {@code chunk} (0..threads−1) indexes per-thread scratch. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int chunk, int start, int end);
    }

    /** Number of threads (and therefore the largest chunk index + 1). */
    public static int threads() {
        return CpuPool.shared().threads();
    }

    /**
     * Runs {@code task} over [0, count) split into at most {@link #threads()} contiguous ranges and
     * waits for all of them; {@code workPerItem} (roughly floats touched per item) decides whether
     * splitting is worth a thread hand-off. Exceptions from any range are rethrown here.
     */
    public static void forRange(int count, long workPerItem, RangeTask task) {
        int chunks = (int) Math.min(threads(), count);
        if (chunks <= 1 || (long) count * workPerItem < MIN_PARALLEL_WORK) {
            if (count > 0) task.run(0, 0, count);
            return;
        }
        Backend callers = Placement.backend();
        CpuPool.shared().forEach(chunks, c -> {
            try (Placement.Binding placed = Placement.bind(callers)) {
                task.run(c, bound(count, chunks, c), bound(count, chunks, c + 1));
            }
        });
    }

    private static int bound(int count, int chunks, int c) {
        return (int) ((long) count * c / chunks);
    }
}
