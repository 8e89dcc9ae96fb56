package io.ringtrain.engine.cpu;

/**
 * Softmax and log-softmax over each row of a row-major [rows, cols] block starting at
 * {@code x[off]}, written to {@code out[outOff]} (may be the same region: in place). The
 * formulas are on {@link SoftmaxReference}; the Vector API version is used when available.
 */
public final class Softmax {
    private Softmax() {}

    public static void rowsSoftmax(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        checkRows(x, off, rows, cols, out, outOff);
        CpuKernels.active().rowsSoftmax(x, off, rows, cols, out, outOff);
    }

    public static void rowsLogSoftmax(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        checkRows(x, off, rows, cols, out, outOff);
        CpuKernels.active().rowsLogSoftmax(x, off, rows, cols, out, outOff);
    }

    private static void checkRows(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("softmax over rows=" + rows + ", cols=" + cols + ": both must be >= 0");
        }
        int len = Math.multiplyExact(rows, cols);
        VectorOps.checkRange("x", x, off, len);
        VectorOps.checkRange("out", out, outOff, len);
    }
}
