package io.ringtrain.engine.examples;

import io.ringtrain.engine.Tensor;

/**
 * Mean cross-entropy of logits [N, V] against target classes, skipping targets equal to
 * {@code ignoreIndex} (as {@code F.cross_entropy(..., ignore_index=...)}); one fused
 * log-softmax + NLL kernel: loss = mean_i (logsumexp(z_i) − z_i[y_i]), dz = (softmax(z) − onehot(y)) / count.
 * TO BE REPLACED by the engine's loss package once merged.
 */
public final class TokenCrossEntropy {
    private TokenCrossEntropy() {}

    public static Tensor loss(Tensor logits, int[] targets, int ignoreIndex) {
        int V = logits.size(-1), N = logits.numel() / V;
        if (targets.length != N) throw new IllegalArgumentException(targets.length + " targets for " + N + " rows of logits");
        float[] z = logits.data();
        float[] probs = new float[z.length];
        double total = 0;
        int count = 0;
        for (int i = 0; i < N; i++) {
            if (targets[i] == ignoreIndex) continue;
            int base = i * V;
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < V; k++) max = Math.max(max, z[base + k]);
            double sum = 0;
            for (int k = 0; k < V; k++) sum += Math.exp(z[base + k] - max);
            double lse = max + Math.log(sum);
            total += lse - z[base + targets[i]];
            for (int k = 0; k < V; k++) probs[base + k] = (float) Math.exp(z[base + k] - lse);
            count++;
        }
        int n = Math.max(count, 1);
        return Tensor.fromOp(new float[] {(float) (total / n)}, new int[0], "cross_entropy", g -> {
            float[] dz = new float[z.length];
            float scale = g[0] / n;
            for (int i = 0; i < N; i++) {
                if (targets[i] == ignoreIndex) continue;
                int base = i * V;
                for (int k = 0; k < V; k++) dz[base + k] = probs[base + k] * scale;
                dz[base + targets[i]] -= scale;
            }
            logits.accumulateGrad(dz);
        }, logits);
    }
}
