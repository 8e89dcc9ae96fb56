package io.ringtrain.engine.functional;

import io.ringtrain.engine.GradientPool;
import io.ringtrain.engine.Tensor;

/**
 * Layer normalisation over the last {@code features} elements of each row (PyTorch's
 * {@code F.layer_norm}): the one home of its maths, forward beside backward. Statistics in double,
 * biased variance.
 */
public final class LayerNormOps {
    private LayerNormOps() {}

    /** weight and bias: [features] or null (no affine); the caller has checked the trailing shape. */
    public static Tensor layerNorm(Tensor input, Tensor weight, Tensor bias, int features, float eps) {
        int rows = input.numel() / Math.max(features, 1);
        float[] x = input.data();
        float[] y = new float[x.length];
        float[] mean = new float[rows], rstd = new float[rows];
        float[] w = weight == null ? null : weight.data(), b = bias == null ? null : bias.data();
        forward(y, mean, rstd, x, w, b, rows, features, eps);
        return Tensor.fromOp(y, input.shape(), "layer_norm", g -> {
            // dx from the pool and handed over (every element written): a fresh array plus accumulateGrad's copy made two per step
            float[] dx = input.requiresGrad() ? GradientPool.take(x.length) : null;
            float[] dw = weight != null && weight.requiresGrad() ? new float[features] : null;
            float[] db = bias != null && bias.requiresGrad() ? new float[features] : null;
            backward(dx, dw, db, g, x, w, mean, rstd, rows, features);
            if (dx != null) input.accumulateGradOwned(dx);
            if (dw != null) weight.accumulateGrad(dw);
            if (db != null) bias.accumulateGrad(db);
        }, input, weight, bias);
    }

    /**
     * y[r,:] = (x[r,:] − mean[r]) · rstd[r] · w + b, with rstd = 1/√(var + eps) (biased variance).
     * x, y: [rows, c]; w, b: [c] or null (then 1 and 0); mean, rstd: [rows], written for backward.
     */
    public static void forward(float[] y, float[] mean, float[] rstd, float[] x, float[] w, float[] b,
                                        int rows, int c, float eps) {
        Workers.forRange(rows, 4L * c, (chunk, start, end) -> forwardRows(y, mean, rstd, x, w, b, start, end, c, eps));
    }

    private static void forwardRows(float[] y, float[] mean, float[] rstd, float[] x, float[] w, float[] b,
                                    int start, int end, int c, float eps) {
        for (int r = start; r < end; r++) {
            int base = r * c;
            double sum = 0;
            for (int i = 0; i < c; i++) sum += x[base + i];
            float m = (float) (sum / c);
            double sq = 0;
            for (int i = 0; i < c; i++) {
                float d = x[base + i] - m;
                sq += d * d;
            }
            float s = (float) (1.0 / Math.sqrt(sq / c + eps));
            mean[r] = m;
            rstd[r] = s;
            for (int i = 0; i < c; i++) {
                float n = (x[base + i] - m) * s;
                y[base + i] = (w == null ? n : n * w[i]) + (b == null ? 0f : b[i]);
            }
        }
    }

    /**
     * With x̂ = (x − mean)·rstd and dx̂ = dy·w: dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)),
     * dw += Σ_rows dy·x̂, db += Σ_rows dy. Any of dx, dw, db may be null (not wanted). dx is split
     * over {@link Workers} by rows and dw, db by columns, each column summed in row order, so the
     * result does not depend on the split.
     */
    public static void backward(float[] dx, float[] dw, float[] db, float[] dy, float[] x, float[] w,
                                         float[] mean, float[] rstd, int rows, int c) {
        if (dx != null) Workers.forRange(rows, 6L * c, (chunk, start, end) -> inputGradientRows(dx, dy, x, w, mean, rstd, start, end, c));
        if (dw != null || db != null) {
            Workers.forRange(c, 3L * rows, (chunk, start, end) -> affineGradientColumns(dw, db, dy, x, mean, rstd, rows, c, start, end));
        }
    }

    private static void inputGradientRows(float[] dx, float[] dy, float[] x, float[] w, float[] mean, float[] rstd,
                                          int start, int end, int c) {
        for (int r = start; r < end; r++) {
            int base = r * c;
            float m = mean[r], s = rstd[r];
            double sumDxhat = 0, sumDxhatXhat = 0;
            for (int i = 0; i < c; i++) {
                float xhat = (x[base + i] - m) * s;
                float dxhat = w == null ? dy[base + i] : dy[base + i] * w[i];
                sumDxhat += dxhat;
                sumDxhatXhat += dxhat * xhat;
            }
            float meanDxhat = (float) (sumDxhat / c), meanDxhatXhat = (float) (sumDxhatXhat / c);
            for (int i = 0; i < c; i++) {
                float xhat = (x[base + i] - m) * s;
                float dxhat = w == null ? dy[base + i] : dy[base + i] * w[i];
                dx[base + i] = s * (dxhat - meanDxhat - xhat * meanDxhatXhat);
            }
        }
    }

    /** dw, db for columns start ≤ i < end, rows added in order; rows are walked in the outer loop for locality. */
    private static void affineGradientColumns(float[] dw, float[] db, float[] dy, float[] x, float[] mean, float[] rstd,
                                              int rows, int c, int start, int end) {
        for (int r = 0; r < rows; r++) {
            int base = r * c;
            float m = mean[r], s = rstd[r];
            for (int i = start; i < end; i++) {
                float xhat = (x[base + i] - m) * s;
                if (dw != null) dw[i] += dy[base + i] * xhat;
                if (db != null) db[i] += dy[base + i];
            }
        }
    }
}
