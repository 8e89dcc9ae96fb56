package io.ringtrain.engine;

/**
 * Walks the storage offsets of a strided view in row-major logical order. Broadcast dimensions
 * have stride 0, so the same cursor serves expanded operands.
 */
final class StridedCursor {
    private final int[] shape;
    private final int[] strides;
    private final int[] index;
    private int position;

    StridedCursor(int[] shape, int[] strides, int offset) {
        this.shape = shape;
        this.strides = strides;
        this.index = new int[shape.length];
        this.position = offset;
    }

    /** The current offset; then steps to the next element. */
    int next() {
        int current = position;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) {
                position += strides[d];
                return current;
            }
            position -= strides[d] * (shape[d] - 1);
            index[d] = 0;
        }
        return current;
    }

    /** Strides of {@code shape}/{@code strides} viewed as {@code target} under broadcasting (stride 0 where expanded). */
    static int[] broadcastStrides(int[] shape, int[] strides, int[] target) {
        int[] out = new int[target.length];
        int shift = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            out[i + shift] = shape[i] == 1 && target[i + shift] != 1 ? 0 : strides[i];
        }
        return out;
    }
}
