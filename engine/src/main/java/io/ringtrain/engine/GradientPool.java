package io.ringtrain.engine;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * a pool holds at most {@value #PER_LENGTH} arrays per length and {@value #MAX_BYTES} bytes.
 * When an array does not fit, the arrays of the lengths used least recently are dropped first (to
 * the garbage collector), so a thread that moves on to another model (a test suite, evaluation after
 * training) reuses the new model's arrays instead of keeping the old one's.
 */
public final class GradientPool {
    static final int PER_LENGTH = 4;
    static final long MAX_BYTES = 512L << 20;
    private static final ThreadLocal<GradientPool> OF_THREAD = ThreadLocal.withInitial(GradientPool::new);

    /** Free arrays by length, in access order: the first entry is the length used least recently. */
    private final Map<Integer, ArrayDeque<float[]>> free = new LinkedHashMap<>(16, 0.75f, true);
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
        if (array.length == 0 || size > MAX_BYTES) return;
        ArrayDeque<float[]> same = pool.free.computeIfAbsent(array.length, n -> new ArrayDeque<>(PER_LENGTH));
        if (same.size() >= PER_LENGTH) return;
        for (float[] f : same) if (f == array) return; // never twice: two takers would share it
        if (pool.bytes + size > MAX_BYTES) pool.dropLeastRecentlyUsed(array.length, size);
        if (pool.bytes + size > MAX_BYTES) return;
        same.addFirst(array);
        pool.bytes += size;
    }

    /** Drops whole lengths, least recently used first and never {@code keepLength}, until {@code needed} bytes fit. */
    private void dropLeastRecentlyUsed(int keepLength, long needed) {
        for (Iterator<Map.Entry<Integer, ArrayDeque<float[]>>> it = free.entrySet().iterator(); it.hasNext() && bytes + needed > MAX_BYTES; ) {
            Map.Entry<Integer, ArrayDeque<float[]>> entry = it.next();
            if (entry.getKey() == keepLength) continue;
            bytes -= 4L * entry.getKey() * entry.getValue().size();
            it.remove();
        }
    }

    /** Bytes held free by the calling thread's pool (for tests). */
    static long heldBytes() {
        return OF_THREAD.get().bytes;
    }
}
