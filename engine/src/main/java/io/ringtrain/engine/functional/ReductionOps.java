package io.ringtrain.engine.functional;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

import java.util.Arrays;

/**
 * Reductions: the one home of sum, mean and max, each forward beside its gradient. A reduction over
 * one dimension views the tensor as [outer, len, inner] and reduces the middle; the gradient of sum
 * copies g to every reduced element, that of max goes to the first maximal element.
 */
public final class ReductionOps {
    private ReductionOps() {}

    /** Σ of every element (accumulated in double), as a scalar. */
    public static Tensor sum(Tensor input) {
        float[] x = input.data();
        double s = 0;
        for (float v : x) s += v;
        int n = x.length;
        return Tensor.fromOp(new float[] {(float) s}, new int[0], "sum", g -> {
            float[] gx = new float[n];
            Arrays.fill(gx, g[0]);
            input.accumulateGrad(gx);
        }, input);
    }

    public static Tensor mean(Tensor input) {
        return ElementwiseOps.mul(sum(input), 1f / input.numel());
    }

    /** Sum over one dimension. */
    public static Tensor sum(Tensor input, int dim, boolean keepDim) {
        int[] shape = input.shape();
        int d = Shape.dim(dim, shape);
        int outer = 1, inner = 1, len = shape[d];
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        float[] x = input.data();
        float[] y = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < len; k++) {
                int src = (o * len + k) * inner, dst = o * inner;
                for (int i = 0; i < inner; i++) y[dst + i] += x[src + i];
            }
        }
        int o1 = outer, i1 = inner;
        return Tensor.fromOp(y, reducedShape(shape, d, keepDim), "sum_dim", g -> {
            float[] gx = new float[x.length];
            for (int o = 0; o < o1; o++) {
                for (int k = 0; k < len; k++) System.arraycopy(g, o * i1, gx, (o * len + k) * i1, i1);
            }
            input.accumulateGrad(gx);
        }, input);
    }

    public static Tensor mean(Tensor input, int dim, boolean keepDim) {
        return ElementwiseOps.mul(sum(input, dim, keepDim), 1f / input.size(dim));
    }

    /** Maximum over one dimension; the gradient goes to the first maximal element. */
    public static Tensor max(Tensor input, int dim, boolean keepDim) {
        int[] shape = input.shape();
        int d = Shape.dim(dim, shape);
        int outer = 1, inner = 1, len = shape[d];
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        float[] x = input.data();
        float[] y = new float[outer * inner];
        int[] arg = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                float best = Float.NEGATIVE_INFINITY;
                int bestAt = (o * len) * inner + i;
                for (int k = 0; k < len; k++) {
                    int at = (o * len + k) * inner + i;
                    if (x[at] > best) { best = x[at]; bestAt = at; }
                }
                y[o * inner + i] = best;
                arg[o * inner + i] = bestAt;
            }
        }
        return Tensor.fromOp(y, reducedShape(shape, d, keepDim), "max_dim", g -> {
            float[] gx = new float[x.length];
            for (int j = 0; j < g.length; j++) gx[arg[j]] += g[j];
            input.accumulateGrad(gx);
        }, input);
    }

    /** Index of the maximum along the last dimension, per row (no autograd). */
    public static int[] argmaxLastDim(Tensor input) {
        int[] shape = input.shape();
        int len = shape[shape.length - 1], rows = input.numel() / Math.max(len, 1);
        float[] x = input.data();
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int k = 1; k < len; k++) if (x[r * len + k] > x[r * len + best]) best = k;
            out[r] = best;
        }
        return out;
    }

    private static int[] reducedShape(int[] shape, int d, boolean keepDim) {
        if (keepDim) {
            int[] s = shape.clone();
            s[d] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, k = 0; i < shape.length; i++) if (i != d) s[k++] = shape[i];
        return s;
    }
}
