package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Dropout;
import io.ringtrain.engine.nn.LayerNorm;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;

/**
 * One Transformer encoder block, as PyTorch's {@code nn.TransformerEncoderLayer}:
 * <pre>
 *   post-LN (default): x = norm1(x + SA(x));       x = norm2(x + FF(x))
 *   pre-LN (normFirst): x = x + SA(norm1(x));       x = x + FF(norm2(x))
 *   SA(x) = dropout1(self_attn(x, x, x)),  FF(x) = dropout2(linear2(dropout(act(linear1(x)))))
 * </pre>
 * Shapes [L, B, d] ([B, L, d] with batchFirst). Pre-LN trains more stably in deep stacks without
 * warm-up; post-LN is the original and often ends slightly better when it trains.
 */
public class TransformerEncoderLayer extends Module {
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final FeedForwardActivation activation;
    private final boolean normFirst;

    public TransformerEncoderLayer(int dModel, int nhead) {
        this(dModel, nhead, 2048, 0.1f, FeedForwardActivation.RELU, 1e-5f, false, false);
    }

    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, float dropout, FeedForwardActivation activation,
                                   float layerNormEps, boolean batchFirst, boolean normFirst) {
        this.selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, batchFirst));
        this.linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward));
        this.dropout = registerModule("dropout", new Dropout(dropout));
        this.linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel));
        this.norm1 = registerModule("norm1", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        this.norm2 = registerModule("norm2", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        this.dropout1 = registerModule("dropout1", new Dropout(dropout));
        this.dropout2 = registerModule("dropout2", new Dropout(dropout));
        this.activation = activation;
        this.normFirst = normFirst;
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null, null);
    }

    /**
     * @param srcMask           attention mask over the sequence, or null
     * @param srcKeyPaddingMask [B][L], true = padding, or null
     * @param positionBias      [heads, L, L] added to the attention scores (relative positions), or null
     */
    public Tensor forward(Tensor src, AttentionMask srcMask, boolean[][] srcKeyPaddingMask, Tensor positionBias) {
        Tensor x = src;
        if (normFirst) {
            x = x.add(selfAttentionBlock(norm1.forward(x), srcMask, srcKeyPaddingMask, positionBias));
            x = x.add(feedForwardBlock(norm2.forward(x)));
        } else {
            x = norm1.forward(x.add(selfAttentionBlock(x, srcMask, srcKeyPaddingMask, positionBias)));
            x = norm2.forward(x.add(feedForwardBlock(x)));
        }
        return x;
    }

    private Tensor selfAttentionBlock(Tensor x, AttentionMask mask, boolean[][] keyPadding, Tensor positionBias) {
        return dropout1.forward(selfAttn.forward(x, x, x, keyPadding, mask, false, true, positionBias).output());
    }

    private Tensor feedForwardBlock(Tensor x) {
        return dropout2.forward(linear2.forward(dropout.forward(activation.apply(linear1.forward(x)))));
    }

    public MultiheadAttention selfAttention() {
        return selfAttn;
    }
}
