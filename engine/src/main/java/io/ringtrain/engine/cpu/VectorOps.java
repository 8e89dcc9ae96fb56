package io.ringtrain.engine.cpu;

/**
 * Element-wise kernels on float arrays (array + offset + length, so tensor views pass without
 * copies). Each uses the Vector API when available, else {@link VectorOpsReference}, which is
 * the definition. out may be the same region as an input (in place); partially overlapping
 * regions are not supported. Results are bit-for-bit the reference's (same operations, none
 * fused), so callers may switch to them without changing a result.
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

    /** out = alpha · x. */
    public static void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("out", out, outOff, len);
        CpuKernels.active().scale(alpha, x, xOff, out, outOff, len);
    }

    static void checkRange(String name, float[] array, int off, int len) {
        if (len < 0) throw new IllegalArgumentException("length " + len + " is negative");
        if (off < 0 || (long) off + len > array.length) {
            throw new IllegalArgumentException(name + "[" + off + " .. " + ((long) off + len) + ") is outside the array of length "
                    + array.length + ": check the offset and length passed for " + name);
        }
    }
}
