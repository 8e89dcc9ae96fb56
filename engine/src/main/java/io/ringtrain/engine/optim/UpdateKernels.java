package io.ringtrain.engine.optim;

/**
 * The element-wise passes the optimizers are built from, one plain loop each so that the JIT
 * vectorises them. Each pass is one PyTorch tensor operation with the same float rounding
 * (no fused multiply-add: Java rounds every operation). Arrays are row-major; each loop runs over
 * the parameter's (or its state's) length, since an input may be a longer reused scratch array.
 */
final class UpdateKernels {
    private UpdateKernels() {}

    /** out = g + λ·p: the L2 weight-decay gradient ({@code grad.add(param, alpha=λ)}). */
    static float[] decayedGradient(float[] grad, float[] param, float decay, float[] out) {
        for (int i = 0; i < grad.length; i++) out[i] = grad[i] + decay * param[i];
        return out;
    }

    /** p = p + α·x ({@code param.add_(x, alpha=α)}). */
    static void addScaled(float[] param, float alpha, float[] x) {
        for (int i = 0; i < param.length; i++) param[i] = param[i] + alpha * x[i];
    }

    /** p = p·c ({@code param.mul_(c)}), AdamW's decoupled decay. */
    static void scale(float[] param, float c) {
        for (int i = 0; i < param.length; i++) param[i] = param[i] * c;
    }

    /** buf = buf·μ + a·d ({@code buf.mul_(μ).add_(d, alpha=a)}). */
    static void momentumAverage(float[] buf, float momentum, float a, float[] d) {
        for (int i = 0; i < buf.length; i++) buf[i] = buf[i] * momentum + a * d[i];
    }

    /** p = p + α·(d + μ·buf): Nesterov's look-ahead direction ({@code d.add(buf, alpha=μ)}), then the step. */
    static void nesterovStep(float[] param, float alpha, float[] d, float momentum, float[] buf) {
        for (int i = 0; i < param.length; i++) param[i] = param[i] + alpha * (d[i] + momentum * buf[i]);
    }

    /**
     * Adam's moment estimates: m = m·β₁ + (1−β₁)·g ({@code exp_avg.mul_(β₁).add_(g, alpha=1−β₁)}),
     * v = v·β₂ + ((1−β₂)·g)·g ({@code exp_avg_sq.mul_(β₂).addcmul_(g, g, value=1−β₂)}).
     */
    static void moments(float[] expAvg, float[] expAvgSq, float[] g, float beta1, float oneMinusBeta1,
                        float beta2, float oneMinusBeta2) {
        for (int i = 0; i < expAvg.length; i++) {
            float gi = g[i];
            expAvg[i] = expAvg[i] * beta1 + oneMinusBeta1 * gi;
            expAvgSq[i] = expAvgSq[i] * beta2 + oneMinusBeta2 * gi * gi;
        }
    }

    /** max = max(max, v) element-wise, NaN-propagating as {@code torch.maximum}. */
    static void runningMax(float[] max, float[] v) {
        for (int i = 0; i < max.length; i++) max[i] = Math.max(max[i], v[i]);
    }

    /**
     * p = p + (−step·m) / (√v / √(1−β₂ᵗ) + ε): {@code param.addcdiv_(exp_avg, denom, value=−step)}
     * with {@code denom = (v.sqrt() / bias_correction2_sqrt).add_(eps)}.
     */
    static void adamStep(float[] param, float negStepSize, float[] expAvg, float[] v, float biasCorrection2Sqrt, float eps) {
        for (int i = 0; i < param.length; i++) {
            float denom = (float) Math.sqrt(v[i]) / biasCorrection2Sqrt + eps;
            param[i] = param[i] + negStepSize * expAvg[i] / denom;
        }
    }
}
