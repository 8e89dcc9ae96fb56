package io.ringtrain.engine.functional;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;

/**
 * ReLU and LeakyReLU, the one home of their maths (the layers, {@code Tensor.relu} and the
 * Transformer feed-forward block call these). The kernels are branch-free loops. A ternary
 * ({@code x > 0 ? x : 0}) on random signs mispredicts half the time and keeps the JIT from
 * vectorising: measured here ~30 ms vs ~1 ms per 2M floats. So the forward uses Math.max/min
 * and the backward builds its 0/1 mask from the float's bits.
 */
public final class ActivationOps {
    private ActivationOps() {}

    /** y = x for x > 0, slope·x otherwise (slope 0: ReLU, which gives +0 for x ≤ 0); NaN stays NaN. */
    static void leakyReluForward(float[] x, float[] y, float slope, int start, int end) {
        if (slope == 0f) {
            for (int i = start; i < end; i++) y[i] = Math.max(x[i], 0f);
        } else {
            for (int i = start; i < end; i++) {
                float v = x[i];
                y[i] = Math.max(v, 0f) + slope * Math.min(v, 0f);
            }
        }
    }

    /**
     * dx = dy where x > 0, slope·dy elsewhere (PyTorch's convention: slope at exactly 0). The
     * mask: for the int bits b of x, {@code ((−b) & ~b) >>> 31} is 1 exactly when b > 0 as a signed
     * int, i.e. when x > +0 (−0 and negatives have the sign bit set).
     */
    static void leakyReluBackward(float[] x, float[] dy, float[] dx, float slope, int start, int end) {
        if (slope == 0f) {
            for (int i = start; i < end; i++) {
                int b = Float.floatToRawIntBits(x[i]);
                int keep = ((-b) & ~b) >> 31; // all ones when x > 0, else 0
                dx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[i]) & keep);
            }
        } else {
            float rise = 1f - slope;
            for (int i = start; i < end; i++) {
                int b = Float.floatToRawIntBits(x[i]);
                int positive = ((-b) & ~b) >>> 31;
                dx[i] = dy[i] * (slope + rise * positive);
            }
        }
    }

    /** y = max(x, 0), not in place. */
    public static Tensor relu(Tensor input) {
        return leakyRelu(input, 0f, "relu", false);
    }

    /** y = x for x > 0, slope·x otherwise, not in place. */
    public static Tensor leakyRelu(Tensor input, float slope) {
        return leakyRelu(input, slope, "leaky_relu", false);
    }

    /**
     * With {@code inplace} (PyTorch's {@code inplace=True}) the result is written over the input's
     * own array when it has one (contiguous, from offset 0): one activation-sized array less per
     * call. Backward then reads the output where it would read the input, which gives the same mask
     * because a slope ≥ 0 keeps every sign. As in PyTorch, the caller must not need the input's old
     * values afterwards (fine after Conv2d, BatchNorm or Linear, whose backward reads their inputs).
     */
    public static Tensor leakyRelu(Tensor input, float slope, String op, boolean inplace) {
        if (inplace && input.isLeaf() && input.requiresGrad()) {
            throw new IllegalArgumentException(op + "(inplace=True) on a leaf tensor that requires grad (shape "
                    + java.util.Arrays.toString(input.shape()) + ") would overwrite the values its gradient is taken at; use the layer without inplace");
        }
        float[] x = input.contiguous().data();
        int n = x.length;
        float[] y = inplace && x == input.storage() ? x : new float[n]; // data() copies unless the input owns its array
        Workers.forRange(n, 1, (chunk, start, end) -> leakyReluForward(x, y, slope, start, end));
        if (!GradMode.isEnabled()) return Tensor.of(y, input.shape());
        return Tensor.fromOp(y, input.shape(), op, dy -> {
            float[] dx = dy; // element-wise, and dy is ours to overwrite (BackwardFn): no new array
            Workers.forRange(n, 1, (chunk, start, end) -> leakyReluBackward(x, dy, dx, slope, start, end));
            input.accumulateGradOwned(dx);
        }, input);
    }
}
