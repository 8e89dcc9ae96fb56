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
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        VectorOpsSimd.axpy(alpha, x, xOff, y, yOff, len);
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int len) {
        VectorOpsSimd.scale(alpha, x, xOff, out, outOff, len);
    }

    @Override
    public float sum(float[] x, int xOff, int len) {
        return VectorOpsSimd.sum(x, xOff, len);
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int len) {
        return VectorOpsSimd.dot(x, xOff, y, yOff, len);
    }

    @Override
    public float max(float[] x, int xOff, int len) {
        return VectorOpsSimd.max(x, xOff, len);
    }

    @Override
    public void relu(float[] x, int xOff, float[] out, int outOff, int len) {
        VectorOpsSimd.relu(x, xOff, out, outOff, len);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
        VectorOpsSimd.reluBackward(x, xOff, dy, dyOff, dx, dxOff, len);
    }

    @Override
    public void rowsSoftmax(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        SoftmaxSimd.rowsSoftmax(x, off, rows, cols, out, outOff);
    }

    @Override
    public void rowsLogSoftmax(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        SoftmaxSimd.rowsLogSoftmax(x, off, rows, cols, out, outOff);
    }
}
