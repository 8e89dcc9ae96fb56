package io.ringtrain.engine.cpu;

/**
 * Row-major matrix transpose, tiled: dst [cols, rows] ← src [rows, cols]ᵀ.
 *
 * <p>A plain double loop writes each element to a different cache line of dst (stride rows).
 * Within a {@value #TILE}×{@value #TILE} tile the {@value #TILE} lines of dst being written stay
 * in L1 across the tile's rows. For conv2d's backward (dyᵀ per image: 32 × 784 and 64 × 196 in
 * fmnist-cnn) this is about 15% faster than the plain loop (0.94 against 1.05 ms and 0.51 against
 * 0.62 ms for a batch of 64, one core); a whole training step does not move measurably.
 */
public final class Transpose {
    private static final int TILE = 16;

    private Transpose() {}

    /** dst[dstOff + c·rows + r] = src[srcOff + r·cols + c] for r < rows, c < cols. */
    public static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(r0 + TILE, rows);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(c0 + TILE, cols);
                for (int r = r0; r < r1; r++) {
                    int s = srcOff + r * cols;
                    for (int c = c0; c < c1; c++) dst[dstOff + c * rows + r] = src[s + c];
                }
            }
        }
    }

    /** A new array holding src [rows, cols]ᵀ. */
    public static float[] transpose(float[] src, int rows, int cols) {
        float[] t = new float[rows * cols];
        transpose(src, 0, rows, cols, t, 0);
        return t;
    }
}
