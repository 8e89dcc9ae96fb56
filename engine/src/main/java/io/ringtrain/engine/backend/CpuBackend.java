package io.ringtrain.engine.backend;

import io.ringtrain.engine.cpu.CpuKernels;
import io.ringtrain.engine.cpu.Gemm;

/**
 * The CPU: every GEMM runs on the engine's CPU kernels ({@link Gemm#sgemm}, the Vector API ones when
 * {@code jdk.incubator.vector} is present) over the shared thread pool. The default placement. Stateless,
 * so one instance serves every replica.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public String name() {
        return "cpu (" + CpuKernels.active().description() + ")";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public String toString() {
        return name();
    }
}
