package io.ringtrain.engine.cpu;

/**
 * Scalar softmax over the rows of a row-major [rows, cols] block; the definition
 * {@code SoftmaxSimd} is tested against. See {@link Softmax}. Per row, with m = max_j x_j
 * (subtracted so exp cannot overflow):
 * <pre>
 *   softmax_j    = exp(x_j − m) / Σ_i exp(x_i − m)
 *   logSoftmax_j = x_j − m − log Σ_i exp(x_i − m)
 * </pre>
 * out may be the same region as x (in place).
 */
public final class SoftmaxReference {
    private SoftmaxReference() {}

    public static void rowsSoftmax(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int in = off + r * cols, o = outOff + r * cols;
            float m = VectorOpsReference.max(x, in, cols);
            float s = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[in + j] - m);
                out[o + j] = e;
                s += e;
            }
            for (int j = 0; j < cols; j++) out[o + j] /= s;
        }
    }

    public static void rowsLogSoftmax(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int in = off + r * cols, o = outOff + r * cols;
            float m = VectorOpsReference.max(x, in, cols);
            float s = 0f;
            for (int j = 0; j < cols; j++) s += (float) Math.exp(x[in + j] - m);
            float shift = m + (float) Math.log(s);
            for (int j = 0; j < cols; j++) out[o + j] = x[in + j] - shift;
        }
    }
}
