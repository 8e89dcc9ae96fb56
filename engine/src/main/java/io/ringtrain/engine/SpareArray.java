package io.ringtrain.engine;

import java.util.function.IntFunction;

/**
 * One array that a layer keeps from one step to the next, so that a training step does not
 * allocate (and fault in) a fresh activation-sized array per layer.
 *
 * <p>Ownership rule: {@link #take} hands the array over to one borrower, exclusively; the spare
 * slot is empty until the borrower {@link #giveBack gives it back}, so a second take in the
 * meantime gets a fresh array and nothing is shared. The borrower gives it back only when no one
 * can read it any more. For a layer's recorded forward that is the end of the layer's own backward:
 * backward visits the graph in reverse topological order, so every consumer of the layer's output
 * has run its backward by then. When backward never runs, the array is never given back, and the
 * next forward allocates. The contents of a taken array are whatever its last user left: the
 * borrower overwrites every element.
 */
public final class SpareArray<A> {
    private final IntFunction<A> allocate;
    private A spare;

    private SpareArray(IntFunction<A> allocate) {
        this.allocate = allocate;
    }

    public static SpareArray<float[]> floats() {
        return new SpareArray<>(float[]::new);
    }

    public static SpareArray<int[]> ints() {
        return new SpareArray<>(int[]::new);
    }

    /** The spare array if it has {@code length} elements, else a new one; either way the caller's alone. */
    public synchronized A take(int length) {
        A a = spare;
        spare = null;
        return a != null && java.lang.reflect.Array.getLength(a) == length ? a : allocate.apply(length);
    }

    /** Returns an array that nothing reads any more; it becomes the spare, replacing any other. */
    public synchronized void giveBack(A array) {
        spare = array;
    }
}
