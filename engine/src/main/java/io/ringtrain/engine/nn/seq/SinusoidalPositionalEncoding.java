package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;

/**
 * Fixed absolute positions from "Attention Is All You Need" (§3.5), added to the input:
 * PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)).
 * Input and output [B, L, d] (batch-first).
 *
 * <p>Trade-off: no parameters, any length up to {@code maxLen} without training, and PE(pos + k) is a
 * linear function of PE(pos), so relative offsets are learnable; but the model only ever sees the
 * positions used in training, so it generalises poorly to longer sequences (see
 * {@link RandomOffsetSinusoidalEncoding}), and adding positions to the content mixes the two in every
 * dot product (see {@link RotaryEmbedding}, {@link RelativePositionBias}).
 */
public class SinusoidalPositionalEncoding extends Module {
    private final int dModel;
    private final int maxLen;
    private final float[] table; // [maxLen, dModel]

    public SinusoidalPositionalEncoding(int dModel, int maxLen) {
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.table = table(dModel, maxLen);
    }

    /** The [maxLen, dModel] table, row pos = PE(pos, ·). */
    public static float[] table(int dModel, int maxLen) {
        float[] pe = new float[maxLen * dModel];
        for (int pos = 0; pos < maxLen; pos++) {
            for (int i = 0; 2 * i < dModel; i++) {
                double angle = pos / Math.pow(10000.0, 2.0 * i / dModel);
                pe[pos * dModel + 2 * i] = (float) Math.sin(angle);
                if (2 * i + 1 < dModel) pe[pos * dModel + 2 * i + 1] = (float) Math.cos(angle);
            }
        }
        return pe;
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 0);
    }

    /** x + PE(offset .. offset + L − 1). */
    public Tensor forward(Tensor x, int offset) {
        int[] offsets = new int[x.size(0)];
        java.util.Arrays.fill(offsets, offset);
        return addPositions(x, offsets);
    }

    /** x[b] + PE(offsets[b] .. offsets[b] + L − 1), one start per batch entry. */
    protected Tensor addPositions(Tensor x, int[] offsets) {
        if (x.dim() != 3 || x.size(2) != dModel) {
            throw new IllegalArgumentException("tensor shape " + Shape.str(x.shape()) + " does not match " + getClass().getSimpleName()
                    + "(d_model=" + dModel + "): expected [batch, length, " + dModel + "]");
        }
        int B = x.size(0), L = x.size(1);
        float[] pe = new float[B * L * dModel];
        for (int b = 0; b < B; b++) {
            if (offsets[b] + L > maxLen) {
                throw new IllegalArgumentException(getClass().getSimpleName() + "(max_len=" + maxLen + "): positions up to " + (offsets[b] + L - 1)
                        + " requested; build it with a larger max_len");
            }
            System.arraycopy(table, offsets[b] * dModel, pe, b * L * dModel, L * dModel);
        }
        return x.add(Tensor.of(pe, B, L, dModel));
    }

    public int maxLen() {
        return maxLen;
    }

    public int dModel() {
        return dModel;
    }

    @Override
    protected String extraRepr() {
        return "d_model=" + dModel + ", max_len=" + maxLen;
    }
}
