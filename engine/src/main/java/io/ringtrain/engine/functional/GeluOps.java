package io.ringtrain.engine.functional;

import io.ringtrain.engine.GradientPool;
import io.ringtrain.engine.Tensor;

/**
 * Gaussian error linear unit, as PyTorch's {@code F.gelu}: the one home of its maths.
 * <ul>
 *   <li>exact ({@code approximate="none"}): y = x·Φ(x) = ½x(1 + erf(x/√2)),
 *       dy/dx = Φ(x) + x·φ(x) with φ(x) = exp(−x²/2)/√(2π);</li>
 *   <li>tanh ({@code approximate="tanh"}): y = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³),
 *       dy/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²).</li>
 * </ul>
 * Elements are split over {@link Workers}; each is computed alone, so the result does not depend on the split.
 */
public final class GeluOps {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private GeluOps() {}

    public static Tensor gelu(Tensor input, boolean tanhApproximation) {
        float[] x = input.data();
        float[] y = new float[x.length];
        Workers.forRange(x.length, 16, (chunk, start, end) -> forward(y, x, tanhApproximation, start, end));
        return Tensor.fromOp(y, input.shape(), tanhApproximation ? "gelu_tanh" : "gelu", g -> {
            float[] dx = GradientPool.take(x.length); // every element written; handed over, as the pool's arrays are
            Workers.forRange(x.length, 24, (chunk, start, end) -> backward(dx, g, x, tanhApproximation, start, end));
            input.accumulateGradOwned(dx);
        }, input);
    }

    public static void forward(float[] y, float[] x, boolean tanhApproximation) {
        forward(y, x, tanhApproximation, 0, x.length);
    }

    /** Elements start ≤ i < end only (one {@link Workers} range). */
    static void forward(float[] y, float[] x, boolean tanhApproximation, int start, int end) {
        for (int i = start; i < end; i++) {
            double v = x[i];
            if (tanhApproximation) {
                y[i] = (float) (0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
            } else {
                y[i] = (float) (0.5 * v * (1 + Erf.erf(v / Math.sqrt(2.0))));
            }
        }
    }

    public static void backward(float[] dx, float[] dy, float[] x, boolean tanhApproximation) {
        backward(dx, dy, x, tanhApproximation, 0, x.length);
    }

    /** Elements start ≤ i < end only (one {@link Workers} range). */
    static void backward(float[] dx, float[] dy, float[] x, boolean tanhApproximation, int start, int end) {
        for (int i = start; i < end; i++) {
            double v = x[i], d;
            if (tanhApproximation) {
                double th = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
                d = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
            } else {
                d = 0.5 * (1 + Erf.erf(v / Math.sqrt(2.0))) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
            }
            dx[i] = (float) (dy[i] * d);
        }
    }
}
