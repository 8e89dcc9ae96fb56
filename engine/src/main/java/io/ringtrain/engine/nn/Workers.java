package io.ringtrain.engine.nn;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed pool of daemon threads that the layers' kernels use to split a batch (images, planes,
 * channels) into contiguous ranges, one range per thread. The calling thread runs range 0, so
 * nested use cannot deadlock. Sized to the cores, or {@code -Dringtrain.threads=N} (the same
 * property as the CPU backend's pool).
 *
 * <p>Why a range per thread and not a task per element: a range is one lambda call and one loop,
 * so the per-element cost is the loop body alone, and each thread can own scratch buffers (see
 * the {@code chunk} argument) — e.g. the per-thread partial weight gradient of {@link Conv2d}.
 * Results depend on the number of threads only where partial sums are added (Conv2d's weight
 * gradient), and then only by float rounding.
 */
public final class Workers {
    /** Ranges smaller than this many units of work run on the calling thread alone. */
    private static final long MIN_PARALLEL_WORK = 1L << 15;

    private static final class Holder {
        static final int THREADS = Math.max(1, Integer.getInteger("ringtrain.threads", Runtime.getRuntime().availableProcessors()));
        static final ExecutorService POOL = THREADS == 1 ? null : Executors.newFixedThreadPool(THREADS - 1, r -> {
            Thread t = new Thread(r, "ringtrain-nn-" + COUNTER.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Set while a thread runs a range: a nested forRange runs inline instead of waiting on busy threads. */
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Workers() {}

    /** The work of one thread: items {@code start ≤ i < end}; {@code chunk} (0..threads−1) indexes per-thread scratch. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int chunk, int start, int end);
    }

    /** Number of threads (and therefore the largest chunk index + 1). */
    public static int threads() {
        return Holder.THREADS;
    }

    /**
     * Runs {@code task} over [0, count) split into at most {@link #threads()} contiguous ranges and
     * waits for all of them; {@code workPerItem} (roughly floats touched per item) decides whether
     * splitting is worth a thread hand-off. Exceptions from any range are rethrown here.
     */
    public static void forRange(int count, long workPerItem, RangeTask task) {
        int chunks = (int) Math.min(threads(), count);
        if (chunks <= 1 || (long) count * workPerItem < MIN_PARALLEL_WORK || INSIDE.get()) {
            if (count > 0) task.run(0, 0, count);
            return;
        }
        CountDownLatch done = new CountDownLatch(chunks - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int c = 1; c < chunks; c++) {
            int chunk = c, start = bound(count, chunks, c), end = bound(count, chunks, c + 1);
            Holder.POOL.execute(() -> {
                INSIDE.set(true);
                try {
                    task.run(chunk, start, end);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    INSIDE.set(false);
                    done.countDown();
                }
            });
        }
        INSIDE.set(true);
        try {
            task.run(0, 0, bound(count, chunks, 1));
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        } finally {
            INSIDE.set(false);
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for layer worker threads", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException("a layer worker failed", t);
    }

    private static int bound(int count, int chunks, int c) {
        return (int) ((long) count * c / chunks);
    }
}
