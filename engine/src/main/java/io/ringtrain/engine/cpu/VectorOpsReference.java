package io.ringtrain.engine.cpu;

/**
 * Scalar element-wise kernels: the definitions that {@code VectorOpsSimd} is tested against,
 * and the kernels used when the Vector API is not available. See {@link VectorOps} for the
 * contracts.
 */
public final class VectorOpsReference {
    private VectorOpsReference() {}

    public static void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) out[outOff + i] = x[xOff + i] + y[yOff + i];
    }

    public static void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) out[outOff + i] = x[xOff + i] - y[yOff + i];
    }

    public static void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) out[outOff + i] = x[xOff + i] * y[yOff + i];
    }

    public static void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) out[outOff + i] = alpha * x[xOff + i];
    }
}
