package io.ringtrain.engine.backend;

import java.util.Objects;

/**
 * Which {@link Backend} the current thread's engine work runs on.
 *
 * <p>The device belongs to a replica, not to the JVM: a replica binds its own backend around the work
 * it does (forward, backward, optimizer step, evaluation) with {@link #bind}, on the thread that does
 * it. The binding is per thread, and {@link io.ringtrain.engine.functional.Workers} carries the caller's
 * backend into the pool threads that run a layer's ranges for the time of that call, so two replicas in
 * one executor JVM, each on its own thread, never run on each other's device.
 *
 * <p>A thread with no binding uses the process default: the CPU, unless a harness that has no replica
 * (a test session, a benchmark main) sets another with {@link #setProcessDefault}. Code that trains a
 * replica binds explicitly and never changes the process default.
 */
public final class Placement {
    private static final ThreadLocal<Backend> BOUND = new ThreadLocal<>();
    private static volatile Backend processDefault = CpuBackend.INSTANCE;

    private Placement() {}

    /** The backend bound to this thread, or the process default when none is. Never null. */
    public static Backend backend() {
        Backend bound = BOUND.get();
        return bound != null ? bound : processDefault;
    }

    /**
     * Runs this thread's engine work on {@code backend} until the returned binding is closed, which
     * puts back whatever was bound before (bindings nest). Close it on the thread that bound it.
     */
    public static Binding bind(Backend backend) {
        Objects.requireNonNull(backend, "backend (CpuBackend.INSTANCE for the CPU)");
        Binding binding = new Binding(BOUND.get(), Thread.currentThread());
        BOUND.set(backend);
        return binding;
    }

    /** For harnesses without a replica only: the backend of threads with no binding; null restores the CPU. */
    public static void setProcessDefault(Backend backend) {
        processDefault = backend == null ? CpuBackend.INSTANCE : backend;
    }

    /** The backend of threads with no binding. */
    public static Backend processDefault() {
        return processDefault;
    }

    /** An open {@link #bind}; closing it restores the thread's previous backend. */
    public static final class Binding implements AutoCloseable {
        private final Backend previous;
        private final Thread owner;
        private boolean closed;

        private Binding(Backend previous, Thread owner) {
            this.previous = previous;
            this.owner = owner;
        }

        @Override
        public void close() {
            if (closed) return;
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a Placement binding of thread " + owner.getName()
                        + " is closed on thread " + Thread.currentThread().getName() + ": close it where it was bound");
            }
            closed = true;
            if (previous == null) BOUND.remove();
            else BOUND.set(previous);
        }
    }
}
