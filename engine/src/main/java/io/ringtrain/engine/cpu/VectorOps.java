package io.ringtrain.engine.cpu;

/**
 * Element-wise kernels on float arrays (array + offset + length, so tensor views pass without
 * copies). Each uses the Vector API when available, else {@link VectorOpsReference}, which is
 * the definition. out may be the same region as an input (in place); partially overlapping
 * regions are not supported. Element-wise results are bit-for-bit the reference's; sum and dot
 * add in a different order, so they match it to rounding.
 */
public final class VectorOps {
    private VectorOps() {}

    /** out = x + y. */
    public static void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("y", y, yOff, len);
        checkRange("out", out, outOff, len);
        CpuKernels.active().add(x, xOff, y, yOff, out, outOff, len);
    }

    /** out = x − y. */
    public static void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("y", y, yOff, len);
        checkRange("out", out, outOff, len);
        CpuKernels.active().sub(x, xOff, y, yOff, out, outOff, len);
    }

    /** out = x · y (element-wise). */
    public static void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("y", y, yOff, len);
        checkRange("out", out, outOff, len);
        CpuKernels.active().mul(x, xOff, y, yOff, out, outOff, len);
    }

    /** y += alpha · x. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("y", y, yOff, len);
        CpuKernels.active().axpy(alpha, x, xOff, y, yOff, len);
    }

    /** out = alpha · x. */
    public static void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("out", out, outOff, len);
        CpuKernels.active().scale(alpha, x, xOff, out, outOff, len);
    }

    /** Σ x_i (0 for len = 0). */
    public static float sum(float[] x, int xOff, int len) {
        checkRange("x", x, xOff, len);
        return CpuKernels.active().sum(x, xOff, len);
    }

    /** Σ x_i · y_i. */
    public static float dot(float[] x, int xOff, float[] y, int yOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("y", y, yOff, len);
        return CpuKernels.active().dot(x, xOff, y, yOff, len);
    }

    /** max_i x_i; −∞ for len = 0; NaN if any element is NaN. */
    public static float max(float[] x, int xOff, int len) {
        checkRange("x", x, xOff, len);
        return CpuKernels.active().max(x, xOff, len);
    }

    /** out = max(x, 0). */
    public static void relu(float[] x, int xOff, float[] out, int outOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("out", out, outOff, len);
        CpuKernels.active().relu(x, xOff, out, outOff, len);
    }

    /** dx = dy where x &gt; 0, else 0; x is relu's input. */
    public static void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("dy", dy, dyOff, len);
        checkRange("dx", dx, dxOff, len);
        CpuKernels.active().reluBackward(x, xOff, dy, dyOff, dx, dxOff, len);
    }

    static void checkRange(String name, float[] array, int off, int len) {
        if (len < 0) throw new IllegalArgumentException("length " + len + " is negative");
        if (off < 0 || (long) off + len > array.length) {
            throw new IllegalArgumentException(name + "[" + off + " .. " + ((long) off + len) + ") is outside the array of length "
                    + array.length + ": check the offset and length passed for " + name);
        }
    }
}
