package io.ringtrain.engine;

import java.util.Arrays;

/** NumPy/PyTorch broadcasting of values (forward) and of gradients back to a source shape (backward). */
public final class Broadcast {
    private Broadcast() {}

    /** The elements of {@code t} broadcast to {@code outShape}, row-major (the backing array when no work is needed). */
    public static float[] valuesAs(Tensor t, int[] outShape) {
        if (Arrays.equals(t.shapeRef(), outShape)) return t.data();
        int n = Shape.numel(outShape);
        float[] out = new float[n];
        float[] data = t.storage();
        StridedCursor cur = new StridedCursor(outShape, StridedCursor.broadcastStrides(t.shapeRef(), t.stridesRef(), outShape), t.storageOffset());
        for (int i = 0; i < n; i++) out[i] = data[cur.next()];
        return out;
    }

    /** Sums a gradient of shape {@code from} down to a broadcast source shape {@code to} ({@code g} itself when equal). */
    public static float[] sumToShape(float[] g, int[] from, int[] to) {
        if (Arrays.equals(from, to)) return g;
        float[] out = new float[Shape.numel(to)];
        int[] toStrides = StridedCursor.broadcastStrides(to, Shape.contiguousStrides(to), from);
        StridedCursor cur = new StridedCursor(from, toStrides, 0);
        for (float v : g) out[cur.next()] += v;
        return out;
    }
}
