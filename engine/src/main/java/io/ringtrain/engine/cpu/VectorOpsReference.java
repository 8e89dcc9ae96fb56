package io.ringtrain.engine.cpu;

/**
 * Scalar element-wise kernels: the definitions that {@code VectorOpsSimd} is tested against,
 * and the kernels used when the Vector API is not available. See {@link VectorOps} for the
 * contracts. Sums run left to right in float.
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

    /** y += alpha·x (multiply, then add: not fused). */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    public static void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) out[outOff + i] = alpha * x[xOff + i];
    }

    public static float sum(float[] x, int xOff, int len) {
        float s = 0f;
        for (int i = 0; i < len; i++) s += x[xOff + i];
        return s;
    }

    public static float dot(float[] x, int xOff, float[] y, int yOff, int len) {
        float s = 0f;
        for (int i = 0; i < len; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    /** Largest element; −∞ when len = 0; NaN if any element is NaN (as Math.max). */
    public static float max(float[] x, int xOff, int len) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) m = Math.max(m, x[xOff + i]);
        return m;
    }

    /** out = max(x, 0); NaN stays NaN, as in PyTorch. */
    public static void relu(float[] x, int xOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) out[outOff + i] = Math.max(x[xOff + i], 0f);
    }

    /** dx = dy where x &gt; 0, else 0 (the gradient of relu at 0 is taken as 0, as in PyTorch). */
    public static void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
        for (int i = 0; i < len; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
    }
}
