package io.ringtrain.engine.functional;

import io.ringtrain.engine.Tensor;

import java.util.SplittableRandom;

/**
 * Scaled dot-product attention over heads (PyTorch's {@code F.scaled_dot_product_attention} with
 * the weights returned): for q [B, H, Lq, d], k [B, H, Lk, d], v [B, H, Lk, dv]
 * <pre>
 *   weights = dropout(softmax(q·kᵀ/√d + mask + bias))      [B, H, Lq, Lk]
 *   out     = weights·v                                   [B, H, Lq, dv]
 * </pre>
 * Built from the autograd ops (matmul, add, {@link SoftmaxOps}, {@link DropoutOps}), so its
 * gradient is theirs. mask and bias are additive (−∞ hides a key) and broadcast to the scores; a
 * query whose keys are all hidden gets zero weights.
 */
public final class AttentionOps {
    private AttentionOps() {}

    /** The attended values and the attention weights (after dropout). */
    public record Result(Tensor out, Tensor weights) {}

    /** mask, bias: additive, broadcastable to [B, H, Lq, Lk], or null; dropout p in [0, 1) with its generator. */
    public static Result scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask, Tensor bias, float dropout, SplittableRandom rng) {
        int d = q.size(-1);
        Tensor scores = q.mul((float) (1.0 / Math.sqrt(d))).matmul(k.transpose(-2, -1));
        if (mask != null) scores = scores.add(mask);
        if (bias != null) scores = scores.add(bias);
        Tensor weights = SoftmaxOps.softmax(scores, -1);
        if (dropout > 0f) weights = DropoutOps.dropout(weights, dropout, rng);
        return new Result(weights.matmul(v), weights);
    }
}
