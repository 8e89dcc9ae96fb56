package io.ringtrain.engine.functional;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

import java.util.Arrays;

/**
 * softmax and log-softmax: the one home of their maths. Per row x of the reduced dimension, with
 * m = max_j x_j (subtracted so exp cannot overflow) and S = Σ_j exp(x_j − m) summed in double:
 * <pre>
 *   softmax:      y_j = exp(x_j − m) / S            dx_j = y_j·(g_j − Σ_k g_k·y_k)
 *   log-softmax:  y_j = x_j − (m + log S)           dx_j = g_j − exp(y_j)·Σ_k g_k
 * </pre>
 * A row that is entirely −∞ (attention over only padding keys) gives zeros from softmax, not NaN.
 * {@link #logSumExp} is the same reduction over one strided row, for cross-entropy.
 */
public final class SoftmaxOps {
    private SoftmaxOps() {}

    /** softmax along {@code dim} (PyTorch's {@code torch.softmax}). */
    public static Tensor softmax(Tensor input, int dim) {
        return apply(input, dim, false);
    }

    /** log-softmax along {@code dim} (PyTorch's {@code torch.log_softmax}). */
    public static Tensor logSoftmax(Tensor input, int dim) {
        return apply(input, dim, true);
    }

    private static Tensor apply(Tensor input, int dim, boolean log) {
        int[] shape = input.shape();
        int d = Shape.dim(dim, shape);
        if (d != shape.length - 1) {
            return apply(input.transpose(d, -1), -1, log).transpose(d, -1);
        }
        int cols = shape[d];
        int rows = cols == 0 ? 0 : input.numel() / cols;
        float[] x = input.data();
        float[] y = new float[x.length];
        forward(x, y, rows, cols, log);
        return Tensor.fromOp(y, shape, log ? "log_softmax" : "softmax", g -> {
            float[] gx = new float[x.length];
            backward(y, g, gx, rows, cols, log);
            input.accumulateGrad(gx);
        }, input);
    }

    /** y = (log-)softmax of each row of the row-major [rows, cols] block x; rows are split over {@link Workers}. */
    public static void forward(float[] x, float[] y, int rows, int cols, boolean log) {
        Workers.forRange(rows, 8L * cols, (chunk, start, end) -> {
            for (int r = start; r < end; r++) forwardRow(x, y, r * cols, cols, log);
        });
    }

    /** gx = the input gradient of each row, from the forward's output y and the output gradient g; rows split over {@link Workers}. */
    public static void backward(float[] y, float[] g, float[] gx, int rows, int cols, boolean log) {
        Workers.forRange(rows, 4L * cols, (chunk, start, end) -> {
            for (int r = start; r < end; r++) backwardRow(y, r * cols, g, r * cols, gx, r * cols, cols, log);
        });
    }

    /**
     * One row {@code x[base .. base+cols)} into the same positions of y; y may be x (in place). A row
     * that is entirely −∞ gives zeros (softmax) rather than NaN.
     */
    public static void forwardRow(float[] x, float[] y, int base, int cols, boolean log) {
        float max = rowMax(x, base, 1, cols);
        if (max == Float.NEGATIVE_INFINITY && !log) {
            Arrays.fill(y, base, base + cols, 0f); // a fully masked row: zeros, not NaN
            return;
        }
        double sum = sumExpShifted(x, base, 1, cols, max);
        if (log) {
            float lse = (float) (max + Math.log(sum));
            for (int k = 0; k < cols; k++) y[base + k] = x[base + k] - lse;
        } else {
            float inv = (float) (1.0 / sum);
            for (int k = 0; k < cols; k++) y[base + k] = (float) Math.exp(x[base + k] - max) * inv;
        }
    }

    /** The gradient of one row, each array at its own offset; gx may be g at the same offset (in place). */
    public static void backwardRow(float[] y, int yBase, float[] g, int gBase, float[] gx, int gxBase, int cols, boolean log) {
        double dot = 0;
        if (log) {
            for (int k = 0; k < cols; k++) dot += g[gBase + k];
            for (int k = 0; k < cols; k++) gx[gxBase + k] = g[gBase + k] - (float) Math.exp(y[yBase + k]) * (float) dot;
        } else {
            for (int k = 0; k < cols; k++) dot += g[gBase + k] * y[yBase + k];
            for (int k = 0; k < cols; k++) gx[gxBase + k] = y[yBase + k] * (g[gBase + k] - (float) dot);
        }
    }

    /** m + log Σ_k exp(x_k − m) over {@code x[base + k·stride]}, k < cols: the log-softmax shift. */
    public static float logSumExp(float[] x, int base, int stride, int cols) {
        float max = rowMax(x, base, stride, cols);
        return (float) (max + Math.log(sumExpShifted(x, base, stride, cols, max)));
    }

    private static float rowMax(float[] x, int base, int stride, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < cols; k++) max = Math.max(max, x[base + k * stride]);
        return max;
    }

    private static double sumExpShifted(float[] x, int base, int stride, int cols, float max) {
        double sum = 0;
        for (int k = 0; k < cols; k++) sum += Math.exp(x[base + k * stride] - max);
        return sum;
    }
}
