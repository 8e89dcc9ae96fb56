package io.ringtrain.engine.cpu;

/**
 * Single-precision matrix multiply, row-major: {@code C = alpha * op(A) * op(B) + beta * C},
 * where op(A) is m×k and op(B) is k×n. With {@code transA}, A is stored k×m (lda ≥ m);
 * with {@code transB}, B is stored n×k (ldb ≥ k). C is m×n with row stride ldc.
 *
 * <p>This entry point picks the fastest kernel available; {@link GemmReference} is the scalar
 * definition that tests compare against. With the Vector API the work is split over
 * {@link CpuPool#shared()} (problems under ~1e5 multiply-adds stay on the calling thread); the
 * result does not depend on the number of threads. beta = 0 overwrites C (NaN in C does not
 * survive); C must not overlap A or B.
 *
 * <p>This is the CPU's GEMM. Layers do not call it directly: they call their replica's backend
 * ({@code engine.backend.Placement.backend().sgemm}), which is this on the CPU and may be a device.
 */
public final class Gemm {
    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(CpuPool.shared(), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** As {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int)}, on the given pool. */
    public static void sgemm(CpuPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        CpuKernels.active().sgemm(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc);
    }

    /**
     * Checks sizes, leading dimensions and that every element touched lies inside its array; throws
     * {@link IllegalArgumentException} naming the operand. Device backends call it before they copy.
     */
    public static void checkArguments(boolean transA, boolean transB, int m, int n, int k,
                                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                      float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm sizes m=" + m + ", n=" + n + ", k=" + k + " must be >= 0");
        }
        // Stored shapes: A is m×k (k×m if transA), B is k×n (n×k if transB), C is m×n.
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k, transA ? "transA, k×m" : "m×k");
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n, transB ? "transB, n×k" : "k×n");
        checkMatrix("C", c, cOff, ldc, m, n, "m×n");
    }

    private static void checkMatrix(String name, float[] data, int off, int ld, int rows, int cols, String shape) {
        if (ld < cols) {
            throw new IllegalArgumentException("sgemm: leading dimension of " + name + " is " + ld
                    + " but " + name + " is stored " + rows + "×" + cols + " (" + shape + "): it needs ld >= " + cols);
        }
        if (rows == 0 || cols == 0) return;
        long last = off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= data.length) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "×" + cols + ", " + shape
                    + ", offset " + off + ", ld " + ld + ") reaches index " + last
                    + " but the array has length " + data.length);
        }
    }
}
