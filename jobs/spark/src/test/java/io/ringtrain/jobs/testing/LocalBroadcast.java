package io.ringtrain.jobs.testing;

import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag$;

/**
 * A broadcast without Spark, for tests of task closures: {@link #value()} answers in this JVM, and
 * like Spark's own broadcasts it serializes as a handle only (the value is transient), so a
 * closure's serialized size shows whether it carries the value itself.
 */
public final class LocalBroadcast<T> extends Broadcast<T> {
    private final transient T value;

    public LocalBroadcast(T value) {
        super(0L, ClassTag$.MODULE$.apply(Object.class));
        this.value = value;
    }

    @Override
    public T getValue() {
        return value;
    }

    @Override
    public void doUnpersist(boolean blocking) {}

    @Override
    public void doDestroy(boolean blocking) {}

    /**
     * Asserts that a task closure built around a {@code LocalBroadcast} of {@code model} leaves the
     * weights out of its serialized form: the closure stays under 10 kB while the weights are over 100 kB.
     */
    public static void assertShipsOnlyTheHandle(Object closure, io.ringtrain.jobs.models.SavedModel model) {
        int size = serializedSize(closure);
        int weights = model.safetensorsBytes().length;
        org.junit.jupiter.api.Assertions.assertTrue(weights > 100_000, "the test needs weights far larger than a closure, has " + weights + " bytes");
        org.junit.jupiter.api.Assertions.assertTrue(size < 10_000,
                "the serialized task closure has " + size + " bytes; the weights (" + weights + " bytes) must travel as a broadcast");
    }

    /** The Java-serialized size of {@code closure}: what Spark ships in every task binary. */
    public static int serializedSize(Object closure) {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(closure);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.size();
    }
}
