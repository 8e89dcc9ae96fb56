package io.ringtrain.engine.examples;

import io.ringtrain.engine.Tensor;

import java.util.List;

/**
 * A minimal Adam (Kingma & Ba, bias-corrected; as {@code torch.optim.Adam} without weight decay) so
 * that the sequence examples can train on this branch. TO BE REPLACED by {@code engine.optim.Adam}
 * once the optimizer package is merged; it is deliberately not part of the public nn API.
 * <pre>
 *   m = β1·m + (1−β1)·g,  v = β2·v + (1−β2)·g²,  p −= lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + eps)
 * </pre>
 */
public final class StandInAdam {
    private final List<Tensor> params;
    private final float beta1, beta2, eps;
    private final float[][] m, v;
    private float lr;
    private int step;

    public StandInAdam(List<Tensor> params, float lr) {
        this.params = params;
        this.lr = lr;
        this.beta1 = 0.9f;
        this.beta2 = 0.98f;
        this.eps = 1e-9f;
        this.m = new float[params.size()][];
        this.v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = new float[params.get(i).numel()];
            v[i] = new float[params.get(i).numel()];
        }
    }

    public void setLearningRate(float lr) {
        this.lr = lr;
    }

    /** Clips the global gradient norm to {@code maxNorm} (as clip_grad_norm_), then takes one step and clears gradients. */
    public void step(float maxNorm) {
        step++;
        double sq = 0;
        for (Tensor p : params) if (p.gradArray() != null) for (float g : p.gradArray()) sq += (double) g * g;
        double norm = Math.sqrt(sq);
        float clip = maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + 1e-6)) : 1f;
        float c1 = 1f - (float) Math.pow(beta1, step), c2 = 1f - (float) Math.pow(beta2, step);
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] g = p.gradArray();
            if (g == null) continue;
            float[] w = p.storage(), mi = m[i], vi = v[i];
            int off = p.storageOffset();
            for (int j = 0; j < g.length; j++) {
                float gj = g[j] * clip;
                mi[j] = beta1 * mi[j] + (1 - beta1) * gj;
                vi[j] = beta2 * vi[j] + (1 - beta2) * gj * gj;
                w[off + j] -= lr * (mi[j] / c1) / ((float) Math.sqrt(vi[j] / c2) + eps);
            }
            p.zeroGrad();
        }
    }
}
