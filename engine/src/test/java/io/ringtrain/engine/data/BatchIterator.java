package io.ringtrain.engine.data;

import io.ringtrain.engine.Tensor;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Mini-batches over an {@link ArrayDataset} for one epoch: a Fisher–Yates shuffle of the sample
 * indices from {@code new SplittableRandom(seed)} (or the data order when not shuffling), cut into
 * batches of {@code batchSize}; the last, smaller batch is kept unless {@code dropLast}. The same
 * seed always gives the same batches. Use a different seed per epoch (e.g. seed + epoch).
 */
public final class BatchIterator implements Iterator<BatchIterator.Batch> {
    /** Inputs [b, sampleShape...] and their labels. */
    public record Batch(Tensor inputs, int[] labels) {
        public int size() {
            return labels.length;
        }
    }

    private final ArrayDataset data;
    private final int batchSize;
    private final int[] order;
    private final int end;
    private int position;

    public BatchIterator(ArrayDataset data, int batchSize, boolean shuffle, long seed, boolean dropLast) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        this.data = data;
        this.batchSize = batchSize;
        this.order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        this.end = dropLast ? order.length / batchSize * batchSize : order.length;
    }

    /** Number of batches this iterator yields in total. */
    public int batches() {
        return (end + batchSize - 1) / batchSize;
    }

    @Override
    public boolean hasNext() {
        return position < end;
    }

    @Override
    public Batch next() {
        if (!hasNext()) throw new NoSuchElementException("epoch finished after " + batches() + " batches");
        int b = Math.min(batchSize, end - position);
        int per = data.sampleSize();
        float[] x = new float[b * per];
        int[] y = new int[b];
        float[] src = data.features();
        for (int i = 0; i < b; i++) {
            int s = order[position + i];
            System.arraycopy(src, s * per, x, i * per, per);
            y[i] = data.label(s);
        }
        position += b;
        int[] shape = data.sampleShape();
        int[] batchShape = new int[shape.length + 1];
        batchShape[0] = b;
        System.arraycopy(shape, 0, batchShape, 1, shape.length);
        return new Batch(Tensor.of(x, batchShape), y);
    }
}
