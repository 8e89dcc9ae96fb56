package io.ringtrain.engine.optim;

/**
 * The optimizers' element-wise loops over float arrays. Each performs PyTorch's tensor operations
 * for one parameter in PyTorch's order with the same float rounding (Java rounds every operation;
 * PyTorch's CPU kernels sometimes fuse a·x + y into an FMA, an ulp apart). The steady-state updates
 * are fused into one pass: large models are memory-bound, and one pass reads and writes each array
 * once instead of once per tensor operation (2.7× faster than separate passes on 10M parameters
 * here). Conditions on loop-invariant flags are unswitched by the JIT, which then vectorises each
 * copy. Loops run over the parameter's length; an input may be a longer, reused scratch array.
 */
final class UpdateKernels {
    private UpdateKernels() {}

    /** out = g + λ·p: the L2 weight-decay gradient ({@code grad.add(param, alpha=λ)}). */
    static float[] decayedGradient(float[] grad, float[] param, float decay, float[] out) {
        for (int i = 0; i < param.length; i++) out[i] = grad[i] + decay * param[i];
        return out;
    }

    /** p = p + α·x ({@code param.add_(x, alpha=α)}). */
    static void addScaled(float[] param, float alpha, float[] x) {
        for (int i = 0; i < param.length; i++) param[i] = param[i] + alpha * x[i];
    }

    /** p = p + α·(d + μ·buf): Nesterov's look-ahead direction ({@code d.add(buf, alpha=μ)}), then the step. */
    static void nesterovStep(float[] param, float alpha, float[] d, float momentum, float[] buf) {
        for (int i = 0; i < param.length; i++) param[i] = param[i] + alpha * (d[i] + momentum * buf[i]);
    }

    /**
     * SGD with momentum after the first step, fused:
     * <pre>
     *   d   = g + λ·p                 (λ ≠ 0)      grad.add(param, alpha=λ)
     *   buf = buf·μ + (1−τ)·d                      buf.mul_(μ).add_(d, alpha=1−τ)
     *   dir = d + μ·buf  (Nesterov)  or  buf       d.add(buf, alpha=μ)
     *   p   = p + (−lr)·dir                        param.add_(dir, alpha=−lr)
     * </pre>
     */
    static void sgdMomentumStep(float[] param, float[] grad, float[] buf, float negLr, float decay,
                                float momentum, float oneMinusDampening, boolean nesterov) {
        for (int i = 0; i < param.length; i++) {
            float p = param[i];
            float d = decay != 0f ? grad[i] + decay * p : grad[i];
            float b = buf[i] * momentum + oneMinusDampening * d;
            buf[i] = b;
            float direction = nesterov ? d + momentum * b : b;
            param[i] = p + negLr * direction;
        }
    }

    /**
     * One Adam/AdamW step, fused:
     * <pre>
     *   p  = p·s                       param.mul_(1 − lr·λ)               (AdamW; s = 1 for Adam)
     *   g  = g + λ₂·p  (λ₂ ≠ 0)        grad.add(param, alpha=λ)           (Adam's L2 decay)
     *   m  = m·β₁ + (1−β₁)·g           exp_avg.mul_(β₁).add_(g, alpha=1−β₁)
     *   v  = v·β₂ + ((1−β₂)·g)·g       exp_avg_sq.mul_(β₂).addcmul_(g, g, value=1−β₂)
     *   v̂  = max(v̂, v)  (AMSGrad)      torch.maximum(max_exp_avg_sq, v, out=max_exp_avg_sq)
     *   p  = p + ((−step)·m) / (√v̂ / c₂ + ε)    param.addcdiv_(m, v̂.sqrt() / c₂ + ε, value=−step)
     * </pre>
     * {@code maxExpAvgSq} is null without AMSGrad. Multiplying by s = 1 leaves p unchanged exactly.
     */
    static void adamStep(float[] param, float[] grad, float[] expAvg, float[] expAvgSq, float[] maxExpAvgSq,
                         float paramScale, float l2Decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                         float negStepSize, float biasCorrection2Sqrt, float eps) {
        if (maxExpAvgSq == null) {
            for (int i = 0; i < param.length; i++) {
                float p = param[i] * paramScale;
                float g = l2Decay != 0f ? grad[i] + l2Decay * p : grad[i];
                float m = expAvg[i] * beta1 + oneMinusBeta1 * g;
                float v = expAvgSq[i] * beta2 + oneMinusBeta2 * g * g;
                expAvg[i] = m;
                expAvgSq[i] = v;
                float denom = (float) Math.sqrt(v) / biasCorrection2Sqrt + eps;
                param[i] = p + negStepSize * m / denom;
            }
        } else {
            for (int i = 0; i < param.length; i++) {
                float p = param[i] * paramScale;
                float g = l2Decay != 0f ? grad[i] + l2Decay * p : grad[i];
                float m = expAvg[i] * beta1 + oneMinusBeta1 * g;
                float v = expAvgSq[i] * beta2 + oneMinusBeta2 * g * g;
                float vMax = Math.max(maxExpAvgSq[i], v);   // NaN-propagating, as torch.maximum
                expAvg[i] = m;
                expAvgSq[i] = v;
                maxExpAvgSq[i] = vMax;
                float denom = (float) Math.sqrt(vMax) / biasCorrection2Sqrt + eps;
                param[i] = p + negStepSize * m / denom;
            }
        }
    }
}
