package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;

/** Activation kernels written as plain loops (no per-element lambda), shared by the activation layers. */
final class Activations {
    private Activations() {}

    /** y = x > 0 ? x : slope·x; dx = dy where x > 0, slope·dy otherwise (slope 0: ReLU). */
    static Tensor leakyRelu(Tensor input, float slope, String op) {
        float[] x = input.contiguous().data();
        int n = x.length;
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            float v = x[i];
            y[i] = v > 0f ? v : slope == 0f ? 0f : v * slope; // ReLU gives +0, not −0, for negatives
        }
        if (!GradMode.isEnabled()) return Tensor.of(y, input.shape());
        return Tensor.fromOp(y, input.shape(), op, dy -> {
            float[] dx = new float[n];
            for (int i = 0; i < n; i++) dx[i] = x[i] > 0f ? dy[i] : dy[i] * slope;
            input.accumulateGrad(dx);
        }, input);
    }
}
