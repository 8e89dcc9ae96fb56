package io.ringtrain.engine.autograd;

/**
 * Whether operations record the graph for backward, per thread (each replica thread has its own).
 * {@code try (var scope = GradMode.noGrad()) { ... }} turns recording off, as {@code torch.no_grad()}.
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {}

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    public static Scope noGrad() {
        return set(false);
    }

    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return () -> ENABLED.set(previous);
    }

    /** Restores the previous mode on close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
