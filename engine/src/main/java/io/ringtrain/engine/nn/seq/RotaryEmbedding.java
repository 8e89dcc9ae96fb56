package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

/**
 * Rotary position embedding (RoPE, Su et al. 2021), applied to queries and keys inside attention
 * ({@link MultiheadAttention#setRotary}). Feature pairs (j, j + d/2) of a head vector at position p
 * are rotated by the angle p·θ_j, θ_j = base^(−2j/d) (the "rotate-half" layout of GPT-NeoX/LLaMA):
 * <pre>
 *   y_j       = x_j·cos(pθ_j) − x_{j+d/2}·sin(pθ_j)
 *   y_{j+d/2} = x_j·sin(pθ_j) + x_{j+d/2}·cos(pθ_j)
 * </pre>
 * so q_m·k_n depends on the positions only through m − n. The backward pass is the rotation by −pθ.
 *
 * <p>Trade-off: purely relative, no parameters, no extra term in the scores and it composes with
 * fast attention kernels; it extrapolates better than absolute tables but still degrades far beyond
 * the training length (high-frequency pairs wrap, low-frequency ones were never trained), and it only
 * acts inside attention, so other layers get no position signal.
 */
public class RotaryEmbedding {
    private final int headDim;
    private final double base;

    public RotaryEmbedding(int headDim) {
        this(headDim, 10000.0);
    }

    public RotaryEmbedding(int headDim, double base) {
        if (headDim % 2 != 0) throw new IllegalArgumentException("RotaryEmbedding(head_dim=" + headDim + "): head_dim must be even");
        this.headDim = headDim;
        this.base = base;
    }

    public int headDim() {
        return headDim;
    }

    /** Rotates x [..., L, headDim]: the row at index t along L gets position offset + t. */
    public Tensor apply(Tensor x, int offset) {
        if (x.dim() < 2 || x.size(-1) != headDim) {
            throw new IllegalArgumentException("tensor shape " + Shape.str(x.shape()) + " does not match RotaryEmbedding(head_dim=" + headDim + ")");
        }
        int L = x.size(-2), half = headDim / 2;
        float[] cos = new float[L * half], sin = new float[L * half];
        for (int t = 0; t < L; t++) {
            for (int j = 0; j < half; j++) {
                double angle = (offset + t) * Math.pow(base, -2.0 * j / headDim);
                cos[t * half + j] = (float) Math.cos(angle);
                sin[t * half + j] = (float) Math.sin(angle);
            }
        }
        float[] in = x.contiguous().toArray();
        float[] out = new float[in.length];
        rotate(out, in, cos, sin, L, half, 1f);
        return Tensor.fromOp(out, x.shape(), "rope", g -> {
            float[] dx = new float[g.length];
            rotate(dx, g, cos, sin, L, half, -1f);
            x.accumulateGrad(dx);
        }, x);
    }

    /** out = R(sign·pθ)·in for every row of length 2·half; rows cycle through the L positions. */
    static void rotate(float[] out, float[] in, float[] cos, float[] sin, int L, int half, float sign) {
        int rows = in.length / (2 * half);
        for (int r = 0; r < rows; r++) {
            int base = r * 2 * half, t = (r % L) * half;
            for (int j = 0; j < half; j++) {
                float c = cos[t + j], s = sign * sin[t + j];
                float a = in[base + j], b = in[base + half + j];
                out[base + j] = a * c - b * s;
                out[base + half + j] = a * s + b * c;
            }
        }
    }
}
