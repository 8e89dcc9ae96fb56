package io.ringtrain.engine.functional;

import io.ringtrain.engine.Tensor;

import java.util.SplittableRandom;

/**
 * Inverted dropout (training semantics, PyTorch's {@code F.dropout}): each element is zeroed with
 * probability p, drawn from {@code rng} in row-major order, and the survivors are scaled by
 * 1/(1−p); the gradient goes through the same mask and scale.
 */
public final class DropoutOps {
    private DropoutOps() {}

    public static Tensor dropout(Tensor input, float p, SplittableRandom rng) {
        if (p == 0f) return input;
        float[] x = input.data();
        float scale = 1f / (1f - p);
        float[] keep = new float[x.length];
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            if (rng.nextDouble() >= p) {
                keep[i] = scale;
                y[i] = x[i] * scale;
            }
        }
        return Tensor.fromOp(y, input.shape(), "dropout", g -> {
            float[] dx = new float[g.length];
            for (int i = 0; i < g.length; i++) dx[i] = g[i] * keep[i];
            input.accumulateGrad(dx);
        }, input);
    }
}
