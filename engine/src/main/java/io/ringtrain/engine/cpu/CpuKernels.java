package io.ringtrain.engine.cpu;

/**
 * The CPU kernels behind {@link Gemm} and {@link VectorOps}: one implementation
 * on the JDK Vector API ({@code SimdKernels}) and one of plain scalar loops
 * ({@link ScalarKernels}, the references the tests compare against). {@link #active()} is
 * chosen once, at start-up, by {@link VectorSupport}.
 *
 * <p>Every method works on float arrays with explicit offsets, so tensors can pass views
 * without copying. Contracts are documented on the public façades.
 */
public interface CpuKernels {

    /** The kernels this JVM uses: Vector API when {@code jdk.incubator.vector} is present, else scalar. */
    static CpuKernels active() {
        return VectorSupport.KERNELS;
    }

    /** A short description for logs, e.g. "vector (FloatVector, 512 bits)" or "scalar". */
    String description();

    /** True when these are the Vector API kernels. */
    boolean vectorized();

    /** See {@link Gemm#sgemm(CpuPool, boolean, boolean, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int)}. */
    void sgemm(CpuPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len);

    void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len);

    void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len);

    void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int len);

}
