package io.ringtrain.engine.functional;

import io.ringtrain.engine.GradientPool;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.backend.Backend;
import io.ringtrain.engine.backend.Placement;

import java.util.Arrays;
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

    /**
     * Self-attention straight from the packed projections, the same maths as {@link #scaledDotProduct}
     * without dropout or bias, and without the head split and merge as copies: every head's GEMMs
     * read and write its columns in place (strided), and the (batch, head) pairs are split over
     * {@link Workers}, each pair's work and output its own, so the result does not depend on the
     * thread count.
     *
     * <p>Layout: qkv [B·L, 3E] (row of token l of sequence b at {@code batchFirst ? b·L + l : l·B + b}),
     * columns q | k | v with head h at h·d .. h·d + d − 1 in each, as {@code x·in_proj_weightᵀ + in_proj_bias}
     * gives it. Returns [B·L, E] in the same row order with head h at columns h·d: the input
     * {@code out_proj} takes. Per pair the forward keeps the weights P [L, L] for backward:
     * <pre>
     *   P = softmax(q·kᵀ/√d + mask),  o = P·v
     *   dv = Pᵀ·do,  dS = P ⊙ (do·vᵀ − rowsum(P ⊙ do·vᵀ)),  dq = dS·k/√d,  dk = dSᵀ·q/√d
     * </pre>
     *
     * @param mask additive [maskBatch, maskHeads, L, L] (maskBatch 1 or B, maskHeads 1 or H, −∞ hides
     *             a key; a query with every key hidden gets zero weights) without gradient, or null
     */
    public static Tensor packedSelfAttention(Tensor qkv, int batch, int length, int heads, boolean batchFirst,
                                             float[] mask, int maskBatch, int maskHeads) {
        int e3 = qkv.size(1), e = e3 / 3, d = e / heads, L = length, pairs = batch * heads;
        if (qkv.dim() != 2 || qkv.size(0) != batch * length || e3 != 3 * e || e != heads * d) {
            throw new IllegalArgumentException("packed qkv of shape " + Arrays.toString(qkv.shape()) + " is not [" + batch * length
                    + ", 3·" + heads + "·head_dim]");
        }
        float[] x = qkv.data();
        float scale = (float) (1.0 / Math.sqrt(d));
        Layout at = new Layout(batchFirst, batch, length, e);
        float[] weights = new float[pairs * L * L];
        float[] out = new float[batch * L * e];
        Backend backend = Placement.backend();
        Workers.forRange(pairs, 4L * L * L * d, (chunk, start, end) -> {
            for (int pair = start; pair < end; pair++) {
                int b = pair / heads, h = pair % heads, p = pair * L * L;
                int q = at.qkvRow(b) + h * d, k = q + e, v = q + 2 * e;
                backend.sgemm(false, true, L, L, d, scale, x, q, at.qkvLd, x, k, at.qkvLd, 0f, weights, p, L);
                if (mask != null) {
                    int m = ((maskBatch == 1 ? 0 : b) * maskHeads + (maskHeads == 1 ? 0 : h)) * L * L;
                    for (int i = 0; i < L * L; i++) weights[p + i] += mask[m + i];
                }
                for (int row = 0; row < L; row++) SoftmaxOps.forwardRow(weights, weights, p + row * L, L, false);
                backend.sgemm(false, false, L, d, L, 1f, weights, p, L, x, v, at.qkvLd, 0f, out, at.outRow(b) + h * d, at.outLd);
            }
        });
        return Tensor.fromOp(out, new int[] {batch * L, e}, "packed_self_attention", g -> {
            float[] dx = GradientPool.take(x.length); // every element written: each pair writes its q, k and v columns with beta = 0
            float[][] scratch = new float[Workers.threads()][];
            Backend gradBackend = Placement.backend();
            Workers.forRange(pairs, 8L * L * L * d, (chunk, start, end) -> {
                if (scratch[chunk] == null) scratch[chunk] = new float[L * L];
                float[] ds = scratch[chunk];
                for (int pair = start; pair < end; pair++) {
                    int b = pair / heads, h = pair % heads, p = pair * L * L;
                    int q = at.qkvRow(b) + h * d, k = q + e, v = q + 2 * e, o = at.outRow(b) + h * d;
                    gradBackend.sgemm(true, false, L, d, L, 1f, weights, p, L, g, o, at.outLd, 0f, dx, v, at.qkvLd);
                    gradBackend.sgemm(false, true, L, L, d, 1f, g, o, at.outLd, x, v, at.qkvLd, 0f, ds, 0, L);
                    for (int row = 0; row < L; row++) SoftmaxOps.backwardRow(weights, p + row * L, ds, row * L, ds, row * L, L, false);
                    gradBackend.sgemm(false, false, L, d, L, scale, ds, 0, L, x, k, at.qkvLd, 0f, dx, q, at.qkvLd);
                    gradBackend.sgemm(true, false, L, d, L, scale, ds, 0, L, x, q, at.qkvLd, 0f, dx, k, at.qkvLd);
                }
            });
            qkv.accumulateGradOwned(dx);
        }, qkv);
    }

    /** Where sequence b's rows start and how far apart its tokens are, in qkv [B·L, 3E] and the output [B·L, E]. */
    private record Layout(int qkvLd, int outLd, int qkvStep, int outStep) {
        Layout(boolean batchFirst, int batch, int length, int e) {
            this(batchFirst ? 3 * e : batch * 3 * e, batchFirst ? e : batch * e,
                    batchFirst ? length * 3 * e : 3 * e, batchFirst ? length * e : e);
        }

        int qkvRow(int b) {
            return b * qkvStep;
        }

        int outRow(int b) {
            return b * outStep;
        }
    }
}
