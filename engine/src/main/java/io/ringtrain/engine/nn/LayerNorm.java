package io.ringtrain.engine.nn;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

import java.util.Arrays;

/**
 * Layer normalisation over the trailing {@code normalizedShape} dimensions, as PyTorch's
 * {@code nn.LayerNorm}: y = (x − μ) / √(σ² + eps) · weight + bias, with μ and the biased variance σ²
 * taken per row of the last C = Π normalizedShape elements. eps defaults to 1e-5; weight starts at
 * 1 and bias at 0 (elementwise affine). Input [..., *normalizedShape] → same shape.
 *
 * <p>Forward and backward are one fused kernel pair ({@link #layerNormForward},
 * {@link #layerNormBackward}) rather than a graph of mean/sub/div ops.
 */
public class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final int features;
    private final float eps;
    private final Tensor weight;
    private final Tensor bias;

    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5f, true);
    }

    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        this.normalizedShape = normalizedShape.clone();
        this.features = Shape.numel(normalizedShape);
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] shape = input.shape();
        int k = normalizedShape.length;
        if (shape.length < k || !Arrays.equals(Arrays.copyOfRange(shape, shape.length - k, shape.length), normalizedShape)) {
            throw new IllegalArgumentException("tensor shape " + Shape.str(shape) + " does not match LayerNorm(normalized_shape="
                    + Shape.str(normalizedShape) + "): the trailing dimensions must be " + Shape.str(normalizedShape));
        }
        int rows = input.numel() / Math.max(features, 1);
        float[] x = input.data();
        float[] y = new float[x.length];
        float[] mean = new float[rows], rstd = new float[rows];
        float[] w = weight == null ? null : weight.data(), b = bias == null ? null : bias.data();
        layerNormForward(y, mean, rstd, x, w, b, rows, features, eps);
        Tensor in = input, wt = weight, bt = bias;
        return Tensor.fromOp(y, shape, "layer_norm", g -> {
            float[] dx = in.requiresGrad() ? new float[x.length] : null;
            float[] dw = wt != null && wt.requiresGrad() ? new float[features] : null;
            float[] db = bt != null && bt.requiresGrad() ? new float[features] : null;
            layerNormBackward(dx, dw, db, g, x, w, mean, rstd, rows, features);
            if (dx != null) in.accumulateGrad(dx);
            if (dw != null) wt.accumulateGrad(dw);
            if (db != null) bt.accumulateGrad(db);
        }, input, weight, bias);
    }

    /**
     * y[r,:] = (x[r,:] − mean[r]) · rstd[r] · w + b, with rstd = 1/√(var + eps) (biased variance).
     * x, y: [rows, c]; w, b: [c] or null (then 1 and 0); mean, rstd: [rows], written for backward.
     */
    public static void layerNormForward(float[] y, float[] mean, float[] rstd, float[] x, float[] w, float[] b,
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
    public static void layerNormBackward(float[] dx, float[] dw, float[] db, float[] dy, float[] x, float[] w,
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

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    protected String extraRepr() {
        return "normalized_shape=" + Shape.str(normalizedShape) + ", eps=" + eps + ", elementwise_affine=" + (weight != null);
    }
}
