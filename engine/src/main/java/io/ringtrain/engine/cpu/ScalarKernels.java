package io.ringtrain.engine.cpu;

/**
 * The scalar references as a {@link CpuKernels}: what runs when the Vector API module is
 * missing. GEMM here is single-threaded ({@link GemmReference} ignores the pool).
 */
public final class ScalarKernels implements CpuKernels {

    @Override
    public String description() {
        return "scalar (reference loops)";
    }

    @Override
    public boolean vectorized() {
        return false;
    }

    @Override
    public void sgemm(CpuPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        VectorOpsReference.add(x, xOff, y, yOff, out, outOff, len);
    }

    @Override
    public void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        VectorOpsReference.sub(x, xOff, y, yOff, out, outOff, len);
    }

    @Override
    public void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        VectorOpsReference.mul(x, xOff, y, yOff, out, outOff, len);
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int len) {
        VectorOpsReference.scale(alpha, x, xOff, out, outOff, len);
    }

}
