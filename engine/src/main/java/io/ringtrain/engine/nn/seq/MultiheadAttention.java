package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.AttentionOps;
import io.ringtrain.engine.functional.MatMulOps;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;

import java.util.Arrays;

/**
 * Multi-head scaled dot-product attention, as PyTorch's {@code nn.MultiheadAttention}:
 * <pre>
 *   q, k, v = query·W_qᵀ + b_q, key·W_kᵀ + b_k, value·W_vᵀ + b_v        (W packed as in_proj_weight [3E, E])
 *   per head h (d = E / heads):  A_h = softmax(q_h·k_hᵀ / √d + mask) ,  o_h = dropout(A_h)·v_h
 *   output = concat_h(o_h)·W_oᵀ + b_o                                     (out_proj)
 * </pre>
 * Shapes: query [Lq, B, E] and key/value [Lk, B, E] ([B, L, E] with batchFirst); output like query.
 * Masks: {@code keyPaddingMask[b][k]} true = key k of batch entry b is padding, ignore it;
 * {@code attnMask} boolean or additive, see {@link AttentionMask}. A query whose keys are all masked
 * gets zero weights and a zero attention output (then out_proj's bias), not NaN. Weights returned are
 * [B, Lq, Lk] averaged over heads or [B, heads, Lq, Lk] per head.
 *
 * <p>Relative positions plug in here: an optional {@link RotaryEmbedding} rotates q and k after the
 * projection, and an optional position bias [heads, Lq, Lk] (e.g. {@link RelativePositionBias}) is
 * added to the scores with its gradient.
 *
 * <p>Parameters start as PyTorch's: in_proj_weight Xavier-uniform, in_proj_bias and out_proj.bias zero.
 */
public class MultiheadAttention extends Module {
    /** output like the query; weights [B, Lq, Lk] (averaged) or [B, heads, Lq, Lk], null if not asked for. */
    public record Output(Tensor output, Tensor weights) {}

    private final int embedDim;
    private final int numHeads;
    private final int headDim;
    private final float dropout;
    private final boolean batchFirst;
    private final Tensor inProjWeight;
    private final Tensor inProjBias;
    private final Linear outProj;
    private RotaryEmbedding rotary;

    public MultiheadAttention(int embedDim, int numHeads) {
        this(embedDim, numHeads, 0f, false);
    }

    public MultiheadAttention(int embedDim, int numHeads, float dropout, boolean batchFirst) {
        if (numHeads <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention(embed_dim=" + embedDim + ", num_heads=" + numHeads + "): embed_dim must be divisible by num_heads");
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.headDim = embedDim / numHeads;
        this.dropout = dropout;
        this.batchFirst = batchFirst;
        this.inProjWeight = registerParameter("in_proj_weight", Init.xavierUniform(embedDim, 3 * embedDim, 1f, 3 * embedDim, embedDim));
        this.inProjBias = registerParameter("in_proj_bias", Tensor.zeros(3 * embedDim));
        this.outProj = registerModule("out_proj", new Linear(embedDim, embedDim));
        outProj.bias().copyFrom(Tensor.zeros(embedDim));
    }

    /** Rotates queries and keys with RoPE before the scores (null to turn off). */
    public MultiheadAttention setRotary(RotaryEmbedding rotary) {
        if (rotary != null && rotary.headDim() != headDim) {
            throw new IllegalArgumentException("RotaryEmbedding(head_dim=" + rotary.headDim() + ") does not match this attention's head_dim " + headDim);
        }
        this.rotary = rotary;
        return this;
    }

    /** Self- or cross-attention without masks, returning averaged weights. */
    public Output forward(Tensor query, Tensor key, Tensor value) {
        return forward(query, key, value, null, null, true, true, null);
    }

    public Output forward(Tensor query, Tensor key, Tensor value, boolean[][] keyPaddingMask, AttentionMask attnMask) {
        return forward(query, key, value, keyPaddingMask, attnMask, true, true, null);
    }

    /**
     * @param keyPaddingMask [B][Lk], true = ignore that key; or null
     * @param attnMask       see {@link AttentionMask}; or null
     * @param needWeights    whether to return the attention weights
     * @param averageWeights average the weights over heads ([B, Lq, Lk]) or keep them per head
     * @param positionBias   [heads, Lq, Lk] or [B, heads, Lq, Lk] added to the scores (learned relative bias); or null
     */
    public Output forward(Tensor query, Tensor key, Tensor value, boolean[][] keyPaddingMask, AttentionMask attnMask,
                          boolean needWeights, boolean averageWeights, Tensor positionBias) {
        check("query", query);
        check("key", key);
        check("value", value);
        boolean selfAttention = query == key && key == value;
        Tensor q = batchFirst ? query : query.transpose(0, 1);
        Tensor k = batchFirst ? key : key.transpose(0, 1);
        Tensor v = batchFirst ? value : value.transpose(0, 1);
        int B = q.size(0), Lq = q.size(1), Lk = k.size(1), E = embedDim, H = numHeads, d = headDim;
        if (k.size(0) != B || v.size(0) != B || v.size(1) != Lk) {
            throw new IllegalArgumentException("MultiheadAttention: query " + Shape.str(query.shape()) + ", key " + Shape.str(key.shape())
                    + " and value " + Shape.str(value.shape()) + " disagree in batch size or key length");
        }
        boolean drop = dropout > 0f && isTraining();
        if (selfAttention && rotary == null && positionBias == null && !drop && !needWeights) {
            return new Output(packedSelfAttention(query, keyPaddingMask, attnMask, B, Lq), null);
        }
        Tensor qh, kh, vh; // [B, H, L, d]
        if (selfAttention) {
            // one GEMM for q, k and v: [B, L, 3E] viewed as [B, L, 3, H, d] → [3, B, H, L, d]
            Tensor qkv = q.matmul(inProjWeight.t()).add(inProjBias).reshape(B, Lq, 3, H, d).permute(2, 0, 3, 1, 4);
            qh = qkv.select(0, 0);
            kh = qkv.select(0, 1);
            vh = qkv.select(0, 2);
        } else {
            qh = project(q, 0).reshape(B, Lq, H, d).permute(0, 2, 1, 3);
            kh = project(k, 1).reshape(B, Lk, H, d).permute(0, 2, 1, 3);
            vh = project(v, 2).reshape(B, Lk, H, d).permute(0, 2, 1, 3);
        }
        if (rotary != null) {
            qh = rotary.apply(qh, 0);
            kh = rotary.apply(kh, 0);
        }
        Tensor mask = combinedMask(keyPaddingMask, attnMask, B, Lq, Lk);
        AttentionOps.Result attention = AttentionOps.scaledDotProduct(qh, kh, vh, mask, positionBias,
                drop ? dropout : 0f, drop ? Init.rng() : null);
        Tensor weights = attention.weights();
        Tensor attended = attention.out().permute(0, 2, 1, 3).reshape(B, Lq, E);
        Tensor out = outProj.forward(attended);
        if (!batchFirst) out = out.transpose(0, 1).contiguous();
        Tensor returned = null;
        if (needWeights) returned = averageWeights ? weights.mean(1, false) : weights;
        return new Output(out, returned);
    }

    /**
     * Self-attention with nothing between the projection and the softmax (no rotation, bias, dropout
     * or returned weights): one GEMM projects every token to q | k | v, and the heads are read where
     * that GEMM wrote them ({@link AttentionOps#packedSelfAttention}), in the input's own row order.
     */
    private Tensor packedSelfAttention(Tensor x, boolean[][] keyPaddingMask, AttentionMask attnMask, int B, int L) {
        Tensor qkv = MatMulOps.linear(x.reshape(-1, embedDim), inProjWeight, inProjBias); // [B·L or L·B, 3E]
        Tensor mask = combinedMask(keyPaddingMask, attnMask, B, L, L);
        Tensor attended = mask == null
                ? AttentionOps.packedSelfAttention(qkv, B, L, numHeads, batchFirst, null, 1, 1)
                : AttentionOps.packedSelfAttention(qkv, B, L, numHeads, batchFirst, mask.data(), mask.size(0), mask.size(1));
        return outProj.forward(attended).reshape(x.shape());
    }

    /** x·W_iᵀ + b_i with the i-th [E, E] block of the packed projection (0 = q, 1 = k, 2 = v). */
    private Tensor project(Tensor x, int which) {
        Tensor w = inProjWeight.narrow(0, which * embedDim, embedDim);
        Tensor b = inProjBias.narrow(0, which * embedDim, embedDim);
        return x.matmul(w.t()).add(b);
    }

    /** The key-padding and attention masks as one additive tensor broadcastable to [B, H, Lq, Lk]; null if neither. */
    private Tensor combinedMask(boolean[][] keyPaddingMask, AttentionMask attnMask, int B, int Lq, int Lk) {
        if (keyPaddingMask == null && attnMask == null) return null;
        int H = numHeads;
        boolean perHead = attnMask != null && attnMask.additiveTensor().dim() == 3;
        int heads = perHead ? H : 1;
        int batch = keyPaddingMask != null || perHead ? B : 1;
        float[] m = new float[batch * heads * Lq * Lk];
        if (attnMask != null) {
            Tensor a = attnMask.additiveTensor();
            int[] expected = perHead ? new int[] {B * H, Lq, Lk} : new int[] {Lq, Lk};
            if (!Arrays.equals(a.shape(), expected)) {
                throw new IllegalArgumentException("attn_mask shape " + Shape.str(a.shape()) + " does not match " + Shape.str(expected)
                        + " for query length " + Lq + ", key length " + Lk + ", batch " + B + ", heads " + H);
            }
            float[] av = a.toArray();
            int block = Lq * Lk;
            for (int bh = 0; bh < batch * heads; bh++) System.arraycopy(av, perHead ? bh * block : 0, m, bh * block, block);
        }
        if (keyPaddingMask != null) {
            if (keyPaddingMask.length != B) throw new IllegalArgumentException("key_padding_mask has " + keyPaddingMask.length + " rows for a batch of " + B);
            for (int b = 0; b < B; b++) {
                if (keyPaddingMask[b].length != Lk) throw new IllegalArgumentException("key_padding_mask row " + b + " has " + keyPaddingMask[b].length + " entries for " + Lk + " keys");
                for (int h = 0; h < heads; h++) {
                    for (int q = 0; q < Lq; q++) {
                        int base = ((b * heads + h) * Lq + q) * Lk;
                        for (int k = 0; k < Lk; k++) if (keyPaddingMask[b][k]) m[base + k] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        return Tensor.of(m, batch, heads, Lq, Lk);
    }

    private void check(String what, Tensor t) {
        if (t.dim() != 3 || t.size(2) != embedDim) {
            throw new IllegalArgumentException(what + " of shape " + Shape.str(t.shape()) + " does not match MultiheadAttention(embed_dim="
                    + embedDim + "): expected " + (batchFirst ? "[batch, length, " : "[length, batch, ") + embedDim + "]");
        }
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    @Override
    protected String extraRepr() {
        return "embed_dim=" + embedDim + ", num_heads=" + numHeads + (dropout != 0f ? ", dropout=" + dropout : "") + (batchFirst ? ", batch_first=True" : "");
    }
}
