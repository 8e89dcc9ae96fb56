package io.ringtrain.engine;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Gradient arrays of intermediate tensors, kept per thread from one backward pass to the next, so
 * that the input gradients a layer computes each step (activation-sized) are not fresh allocations.
 *
 * <p>Ownership rule:
 * <ul>
 *   <li>An array {@link #take taken} from the pool belongs to the taker alone, like a new array.</li>
 *   <li>Only {@link Tensor#backward} puts arrays back: an intermediate (non-leaf) tensor's gradient,
 *       after that tensor's backward function has run, and only when none of its inputs now holds
 *       that very array as its gradient ({@link io.ringtrain.engine.autograd.BackwardFn} lets an
 *       element-wise function hand its gradient on; the array then moves down the graph and is put
 *       back by the tensor that finally drops it).</li>
 *   <li>A leaf's gradient is never put back: optimizers, the all-reduce and the caller keep it.</li>
 * </ul>
 * Per thread because backward runs on the caller's thread and replicas run on their own threads;
 * a pool holds at most {@value #PER_LENGTH} arrays per length and {@value #MAX_BYTES} bytes,
 * beyond which arrays are left to the garbage collector.
 */
public final class GradientPool {
    static final int PER_LENGTH = 4;
    static final long MAX_BYTES = 512L << 20;
    private static final ThreadLocal<GradientPool> OF_THREAD = ThreadLocal.withInitial(GradientPool::new);

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private long bytes;

    private GradientPool() {}

    /** An array of {@code length} floats, owned by the caller; its contents are undefined (overwrite every element). */
    public static float[] take(int length) {
        GradientPool pool = OF_THREAD.get();
        ArrayDeque<float[]> same = pool.free.get(length);
        float[] a = same == null ? null : same.pollFirst();
        if (a == null) return new float[length];
        pool.bytes -= 4L * length;
        return a;
    }

    /** As {@link #take}, filled with zeros. */
    public static float[] takeZeroed(int length) {
        float[] a = take(length);
        Arrays.fill(a, 0f);
        return a;
    }

    /** A copy of {@code source} in an array from the pool. */
    static float[] copyOf(float[] source) {
        float[] a = take(source.length);
        System.arraycopy(source, 0, a, 0, source.length);
        return a;
    }

    /** Puts back an array that nothing reads any more (see the ownership rule: Tensor.backward only). */
    static void putBack(float[] array) {
        GradientPool pool = OF_THREAD.get();
        long size = 4L * array.length;
        if (array.length == 0 || pool.bytes + size > MAX_BYTES) return;
        ArrayDeque<float[]> same = pool.free.computeIfAbsent(array.length, n -> new ArrayDeque<>(PER_LENGTH));
        if (same.size() >= PER_LENGTH) return;
        for (float[] f : same) if (f == array) return; // never twice: two takers would share it
        same.addFirst(array);
        pool.bytes += size;
    }
}
