package io.ringtrain.engine.functional;

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
            float[] dx = input.requiresGrad() ? new float[x.length] : null;
            float[] dw = weight != null && weight.requiresGrad() ? new float[features] : null;
            float[] db = bias != null && bias.requiresGrad() ? new float[features] : null;
            backward(dx, dw, db, g, x, w, mean, rstd, rows, features);
            if (dx != null) input.accumulateGrad(dx);
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
        for (int r = 0; r < rows; r++) {
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
     * dw += Σ_rows dy·x̂, db += Σ_rows dy. Any of dx, dw, db may be null (not wanted).
     */
    public static void backward(float[] dx, float[] dw, float[] db, float[] dy, float[] x, float[] w,
                                         float[] mean, float[] rstd, int rows, int c) {
        for (int r = 0; r < rows; r++) {
            int base = r * c;
            float m = mean[r], s = rstd[r];
            double sumDxhat = 0, sumDxhatXhat = 0;
            for (int i = 0; i < c; i++) {
                float xhat = (x[base + i] - m) * s;
                float dxhat = w == null ? dy[base + i] : dy[base + i] * w[i];
                sumDxhat += dxhat;
                sumDxhatXhat += dxhat * xhat;
                if (dw != null) dw[i] += dy[base + i] * xhat;
                if (db != null) db[i] += dy[base + i];
            }
            if (dx == null) continue;
            float meanDxhat = (float) (sumDxhat / c), meanDxhatXhat = (float) (sumDxhatXhat / c);
            for (int i = 0; i < c; i++) {
                float xhat = (x[base + i] - m) * s;
                float dxhat = w == null ? dy[base + i] : dy[base + i] * w[i];
                dx[base + i] = s * (dxhat - meanDxhat - xhat * meanDxhatXhat);
            }
        }
    }
}
