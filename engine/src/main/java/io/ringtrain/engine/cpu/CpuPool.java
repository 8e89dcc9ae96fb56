package io.ringtrain.engine.cpu;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A fixed pool of daemon threads for the CPU kernels. {@link #shared()} has one thread per
 * core ({@code Runtime.availableProcessors()}), or {@code -Dringtrain.threads=N}.
 *
 * <p>{@link #forEach} runs tasks 0..count−1 and returns when all are done. The calling thread
 * takes tasks too, so a kernel called from a pool thread (or from many threads at once) cannot
 * deadlock: every task that has been claimed is being run by a live thread, and the caller
 * claims whatever is left. Which thread runs a task must not change its result; the kernels
 * partition work so that each output element belongs to exactly one task.
 *
 * <p>One call at a time gets the helpers: a call made while another is running (from a task of that
 * call, or from another replica's thread in the same JVM) runs all its tasks on its caller. Replicas
 * sharing a JVM then each keep to their own thread instead of queueing for the same helpers, which
 * left each waiting on a helper busy with the other's work; a nested call does not fork again.
 */
public final class CpuPool {
    /** System property that overrides the number of threads of {@link #shared()}. */
    public static final String THREADS_PROPERTY = "ringtrain.threads";

    private static final class SharedHolder {
        static final CpuPool SHARED = new CpuPool(threadsFromProperty());
    }

    private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

    /** No helper threads: everything runs on the caller. */
    private static final CpuPool CALLER_ONLY = new CpuPool(1);

    private final int threads;
    /** threads − 1 helpers: the caller is the last worker. Null when single-threaded. */
    private final ExecutorService helpers;
    /** {@link #forEach} calls running now, from any thread. */
    private final AtomicInteger callsInFlight = new AtomicInteger();

    /** A pool that runs tasks on {@code threads} threads, the caller included. */
    public CpuPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("CpuPool threads = " + threads + ": needs at least 1");
        }
        this.threads = threads;
        if (threads == 1) {
            this.helpers = null;
        } else {
            int poolNumber = POOL_NUMBER.incrementAndGet();
            AtomicInteger threadNumber = new AtomicInteger();
            this.helpers = Executors.newFixedThreadPool(threads - 1, runnable -> {
                Thread t = new Thread(runnable,
                        "ringtrain-cpu-" + poolNumber + "-" + threadNumber.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** The process-wide pool: one thread per core unless {@value #THREADS_PROPERTY} says otherwise. */
    public static CpuPool shared() {
        return SharedHolder.SHARED;
    }

    /**
     * A pool that runs every task on the calling thread: pass it to
     * {@code Gemm.sgemm(CpuPool, ...)} from code that is already parallel (e.g. one image per
     * thread), so the kernel does not fork again.
     */
    public static CpuPool callerOnly() {
        return CALLER_ONLY;
    }

    static int threadsFromProperty() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + value
                + " is not a thread count: give a positive integer, or leave it unset for one thread per core");
    }

    public int threads() {
        return threads;
    }

    /** Whether a {@link #forEach} call is running now, so that a new one would run on its caller alone. */
    public boolean busy() {
        return callsInFlight.get() > 0;
    }

    /**
     * Runs {@code task.accept(i)} for i in [0, count) on up to {@link #threads()} threads (on the
     * caller alone while another call runs) and waits for all of them. The first exception thrown
     * by a task is rethrown here (after every claimed task has finished).
     */
    public void forEach(int count, IntConsumer task) {
        if (count <= 0) return;
        if (count == 1 || helpers == null) {
            for (int i = 0; i < count; i++) task.accept(i);
            return;
        }
        boolean alone = callsInFlight.getAndIncrement() == 0;
        try {
            if (alone) {
                forEachOnHelpers(count, task);
            } else {
                for (int i = 0; i < count; i++) task.accept(i);
            }
        } finally {
            callsInFlight.decrementAndGet();
        }
    }

    private void forEachOnHelpers(int count, IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // Counts finished tasks, so the caller also waits for tasks that helpers claimed.
        CountDownLatch finished = new CountDownLatch(count);
        Runnable worker = () -> {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    if (failure.get() == null) task.accept(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    finished.countDown();
                }
            }
        };
        int helpersWanted = Math.min(threads, count) - 1;
        for (int h = 0; h < helpersWanted; h++) helpers.execute(worker);
        worker.run();
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for CpuPool tasks", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException) throw (RuntimeException) t;
        if (t instanceof Error) throw (Error) t;
        if (t != null) throw new IllegalStateException("a CpuPool task failed", t);
    }
}
