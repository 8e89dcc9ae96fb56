package io.ringtrain.engine.cpu;

/** Scalar reference sgemm (row-major); the definition the fast kernels are tested against. See {@link Gemm}. */
public final class GemmReference {
    private GemmReference() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * ldc;
            if (beta == 0f) {
                for (int j = 0; j < n; j++) c[cRow + j] = 0f;
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) c[cRow + j] *= beta;
            }
            for (int p = 0; p < k; p++) {
                float aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                if (aip == 0f) continue;
                if (transB) {
                    for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bOff + j * ldb + p];
                } else {
                    int bRow = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
                }
            }
        }
    }
}
