package io.ringtrain.engine.backend;

/**
 * Where a replica's compute runs. The layers hand their GEMMs to the backend of the replica whose
 * work the current thread is doing ({@link Placement#backend()}); {@link CpuBackend} runs them on the
 * CPU kernels, and a device backend (e.g. {@code engine.cuda.CudaGemmOffload}) plugs in by
 * implementing this interface. Only GEMM goes through a backend today; the other ops run on the CPU.
 *
 * <p>Implementations must be safe to call from several threads at once: a layer calls its GEMMs
 * from the pool threads that carry its replica's placement (see {@link Placement}).
 */
public interface Backend {

    /** A short description for logs, e.g. "cpu (vector, 256 bits)". */
    String name();

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} on host arrays, row-major, with exactly the contract
     * of {@link io.ringtrain.engine.cpu.Gemm#sgemm}: op(A) is m×k, op(B) k×n, C m×n with row stride
     * ldc; beta = 0 overwrites C; C must not overlap A or B; bad sizes, leading dimensions or offsets
     * throw {@link IllegalArgumentException} before anything is written.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);
}
