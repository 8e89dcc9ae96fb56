package io.ringtrain.engine.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The Vector API kernels as a {@link CpuKernels}. Loaded by name from {@link VectorSupport}
 * only when the {@code jdk.incubator.vector} module is present; public no-arg constructor for
 * that reason.
 */
final class SimdKernels implements CpuKernels {

    public SimdKernels() {}

    @Override
    public String description() {
        return "vector (FloatVector, " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits)";
    }

    @Override
    public boolean vectorized() {
        return true;
    }

    @Override
    public void sgemm(CpuPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmSimd.sgemm(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        VectorOpsSimd.add(x, xOff, y, yOff, out, outOff, len);
    }

    @Override
    public void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        VectorOpsSimd.sub(x, xOff, y, yOff, out, outOff, len);
    }

    @Override
    public void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        VectorOpsSimd.mul(x, xOff, y, yOff, out, outOff, len);
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int len) {
        VectorOpsSimd.scale(alpha, x, xOff, out, outOff, len);
    }

}
