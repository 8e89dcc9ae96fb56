package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Dropout;
import io.ringtrain.engine.nn.LayerNorm;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;

/**
 * One Transformer decoder block, as PyTorch's {@code nn.TransformerDecoderLayer}: masked
 * self-attention, then cross-attention over the encoder output ({@code memory}), then feed-forward:
 * <pre>
 *   post-LN: x = norm1(x + SA(x));  x = norm2(x + MHA(x, mem));  x = norm3(x + FF(x))
 *   pre-LN:  x = x + SA(norm1(x));  x = x + MHA(norm2(x), mem);  x = x + FF(norm3(x))
 * </pre>
 * each sub-block followed by its dropout (dropout1..3). Shapes [T, B, d] / memory [S, B, d]
 * (batch-first when asked). Pass {@link AttentionMask#causal} as {@code tgtMask} for
 * autoregressive decoding.
 */
public class TransformerDecoderLayer extends Module {
    private final MultiheadAttention selfAttn;
    private final MultiheadAttention crossAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;
    private final FeedForwardActivation activation;
    private final boolean normFirst;

    public TransformerDecoderLayer(int dModel, int nhead) {
        this(dModel, nhead, 2048, 0.1f, FeedForwardActivation.RELU, 1e-5f, false, false);
    }

    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward, float dropout, FeedForwardActivation activation,
                                   float layerNormEps, boolean batchFirst, boolean normFirst) {
        this.selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, batchFirst));
        this.crossAttn = registerModule("multihead_attn", new MultiheadAttention(dModel, nhead, dropout, batchFirst));
        this.linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward));
        this.dropout = registerModule("dropout", new Dropout(dropout));
        this.linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel));
        this.norm1 = registerModule("norm1", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        this.norm2 = registerModule("norm2", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        this.norm3 = registerModule("norm3", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        this.dropout1 = registerModule("dropout1", new Dropout(dropout));
        this.dropout2 = registerModule("dropout2", new Dropout(dropout));
        this.dropout3 = registerModule("dropout3", new Dropout(dropout));
        this.activation = activation;
        this.normFirst = normFirst;
    }

    /**
     * @param tgtMask                 self-attention mask (usually causal), or null
     * @param memoryMask              cross-attention mask, or null
     * @param tgtKeyPaddingMask       [B][T], true = padding, or null
     * @param memoryKeyPaddingMask    [B][S], true = padding, or null
     */
    public Tensor forward(Tensor tgt, Tensor memory, AttentionMask tgtMask, AttentionMask memoryMask,
                          boolean[][] tgtKeyPaddingMask, boolean[][] memoryKeyPaddingMask) {
        Tensor x = tgt;
        if (normFirst) {
            x = x.add(selfAttentionBlock(norm1.forward(x), tgtMask, tgtKeyPaddingMask));
            x = x.add(crossAttentionBlock(norm2.forward(x), memory, memoryMask, memoryKeyPaddingMask));
            x = x.add(feedForwardBlock(norm3.forward(x)));
        } else {
            x = norm1.forward(x.add(selfAttentionBlock(x, tgtMask, tgtKeyPaddingMask)));
            x = norm2.forward(x.add(crossAttentionBlock(x, memory, memoryMask, memoryKeyPaddingMask)));
            x = norm3.forward(x.add(feedForwardBlock(x)));
        }
        return x;
    }

    private Tensor selfAttentionBlock(Tensor x, AttentionMask mask, boolean[][] keyPadding) {
        return dropout1.forward(selfAttn.forward(x, x, x, keyPadding, mask, false, true, null).output());
    }

    private Tensor crossAttentionBlock(Tensor x, Tensor memory, AttentionMask mask, boolean[][] keyPadding) {
        return dropout2.forward(crossAttn.forward(x, memory, memory, keyPadding, mask, false, true, null).output());
    }

    private Tensor feedForwardBlock(Tensor x) {
        return dropout3.forward(linear2.forward(dropout.forward(activation.apply(linear1.forward(x)))));
    }
}
