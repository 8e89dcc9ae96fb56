package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Module;

/**
 * Learned absolute positions (BERT, GPT-2): a trained table {@code weight} [maxLen, dModel],
 * N(0, 0.02²) at start, whose row pos is added to the input at position pos. Input/output [B, L, d].
 *
 * <p>Trade-off: the most flexible absolute scheme and trivially cheap, but positions never seen in
 * training have untrained (random) rows, so it cannot extrapolate beyond the training length at all,
 * and it costs maxLen·d parameters.
 */
public class LearnedPositionalEmbedding extends Module {
    private final int maxLen;
    private final int dModel;
    private final Tensor weight;

    public LearnedPositionalEmbedding(int maxLen, int dModel) {
        this.maxLen = maxLen;
        this.dModel = dModel;
        this.weight = registerParameter("weight", Init.normal(0.02f, maxLen, dModel));
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 0);
    }

    public Tensor forward(Tensor x, int offset) {
        if (x.dim() != 3 || x.size(2) != dModel || offset + x.size(1) > maxLen) {
            throw new IllegalArgumentException("tensor shape " + Shape.str(x.shape()) + " at offset " + offset + " does not fit LearnedPositionalEmbedding(max_len="
                    + maxLen + ", d_model=" + dModel + "): expected [batch, ≤ " + (maxLen - offset) + ", " + dModel + "]");
        }
        return x.add(weight.narrow(0, offset, x.size(1)));
    }

    public Tensor weight() {
        return weight;
    }

    @Override
    protected String extraRepr() {
        return "max_len=" + maxLen + ", d_model=" + dModel;
    }
}
