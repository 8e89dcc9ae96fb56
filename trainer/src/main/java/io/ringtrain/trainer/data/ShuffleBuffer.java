package io.ringtrain.trainer.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A bounded shuffle over a stream (tf.data's {@code shuffle(buffer_size)}): the buffer is filled with
 * the first {@code capacity} items; each item handed out is drawn uniformly from the buffer and its
 * slot refilled from the source. At most {@code capacity} items are held. An item can move forward
 * by any amount but back by at most about {@code capacity} positions, so how well a stream is mixed
 * depends on the buffer (and on the order it is stored in). Capacity 1 keeps the source's order.
 */
public final class ShuffleBuffer<T> implements Iterator<T> {
    private final Iterator<T> source;
    private final int capacity;
    private final SplittableRandom rng;
    private final List<T> buffer;

    public ShuffleBuffer(Iterator<T> source, int capacity, long seed) {
        if (capacity < 1) throw new IllegalArgumentException("shuffle buffer capacity must be ≥ 1, got " + capacity);
        this.source = source;
        this.capacity = capacity;
        this.rng = new SplittableRandom(seed);
        this.buffer = new ArrayList<>(Math.min(capacity, 1 << 16));
    }

    /** Items held right now (≤ capacity). */
    public int held() {
        return buffer.size();
    }

    @Override
    public boolean hasNext() {
        fill();
        return !buffer.isEmpty();
    }

    @Override
    public T next() {
        fill();
        if (buffer.isEmpty()) throw new NoSuchElementException("the stream is exhausted");
        int j = rng.nextInt(buffer.size());
        T out = buffer.get(j);
        int last = buffer.size() - 1;
        buffer.set(j, buffer.get(last)); // swap-remove: O(1), and the draw stays uniform
        buffer.remove(last);
        return out;
    }

    private void fill() {
        while (buffer.size() < capacity && source.hasNext()) buffer.add(source.next());
    }
}
