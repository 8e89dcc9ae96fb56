package io.ringtrain.engine.optim;

import io.ringtrain.engine.Tensor;

import java.util.List;

/**
 * Gradient clipping over all parameters together, as {@code torch.nn.utils.clip_grad_norm_} and
 * {@code clip_grad_value_}. Parameters without a gradient are ignored. Run it after the gradients
 * are complete (in data-parallel training: after the all-reduce) and before the optimizer step.
 */
public final class GradClip {
    /** PyTorch's guard against dividing by a zero norm: coef = maxNorm / (total + 1e-6). */
    public static final double EPSILON = 1e-6;

    private GradClip() {}

    /**
     * Scales every gradient by min(1, maxNorm / (total + 1e-6)), where total is the p-norm of all
     * gradient elements together: (Σ|g|ᵖ)^(1/p), or max|g| for {@code normType} = ∞. Returns the
     * total norm before clipping (NaN or ∞ when a gradient is not finite; the gradients then become
     * NaN as in PyTorch, use {@link #clipGradNorm(List, double, double, boolean)} to throw instead).
     * The sums run in double.
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm, double normType) {
        return clipGradNorm(params, maxNorm, normType, false);
    }

    /** The 2-norm form, the usual one. */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2.0, false);
    }

    /** As {@link #clipGradNorm(List, double, double)}; with {@code errorIfNonfinite}, a NaN or ∞ total throws and leaves the gradients alone. */
    public static double clipGradNorm(List<Tensor> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
        if (!(normType > 0)) throw new IllegalArgumentException("clipGradNorm: normType must be > 0 or infinity, got " + normType);
        double total = totalNorm(params, normType);
        if (errorIfNonfinite && !Double.isFinite(total)) {
            throw new IllegalStateException("the total " + normType + "-norm of the gradients is " + total
                    + "; a gradient holds NaN or infinity (lower the learning rate, or skip this step)");
        }
        double coef = maxNorm / (total + EPSILON);
        // PyTorch clamps coef to at most 1 and always multiplies; multiplying by 1 changes nothing, so skip it.
        if (!(coef >= 1.0)) {
            float c = (float) coef;
            for (Tensor p : params) {
                float[] g = p.gradArray();
                if (g == null) continue;
                for (int i = 0; i < g.length; i++) g[i] *= c;
            }
        }
        return total;
    }

    /** (Σ over all gradient elements |g|ᵖ)^(1/p), or max|g| for p = ∞; 0 when no parameter has a gradient. */
    public static double totalNorm(List<Tensor> params, double normType) {
        if (normType == Double.POSITIVE_INFINITY) {
            double max = 0;
            for (Tensor p : params) {
                float[] g = p.gradArray();
                if (g == null) continue;
                float m = 0;
                for (float v : g) m = Math.max(m, Math.abs(v));   // Math.max propagates NaN
                max = Math.max(max, m);
            }
            return max;
        }
        double sum = 0;
        for (Tensor p : params) {
            float[] g = p.gradArray();
            if (g == null) continue;
            if (normType == 2.0) {
                sum += sumOfSquares(g);
            } else if (normType == 1.0) {
                for (float v : g) sum += Math.abs(v);
            } else {
                for (float v : g) sum += Math.pow(Math.abs(v), normType);
            }
        }
        return normType == 2.0 ? Math.sqrt(sum) : normType == 1.0 ? sum : Math.pow(sum, 1.0 / normType);
    }

    /** Σg² in double, in four independent partial sums so the loop pipelines. */
    private static double sumOfSquares(float[] g) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < g.length; i += 4) {
            double a = g[i], b = g[i + 1], c = g[i + 2], d = g[i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < g.length; i++) s0 += (double) g[i] * g[i];
        return (s0 + s1) + (s2 + s3);
    }

    /** Clamps every gradient element into [−clipValue, clipValue] (NaN stays NaN), as {@code clip_grad_value_}. */
    public static void clipGradValue(List<Tensor> params, double clipValue) {
        if (!(clipValue >= 0)) throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got " + clipValue);
        float hi = (float) clipValue, lo = -hi;
        for (Tensor p : params) {
            float[] g = p.gradArray();
            if (g == null) continue;
            for (int i = 0; i < g.length; i++) g[i] = Math.min(Math.max(g[i], lo), hi);
        }
    }
}
