package io.ringtrain.engine.cpu;

/**
 * Runs every kernel on small problems until the JIT has compiled it, so the first training
 * steps (and the first timed benchmark call) do not pay for compilation: with the Vector API,
 * uncompiled kernels run 10–100× slower, and the first calls cost 0.2–0.6 s in all. Call once
 * per JVM (e.g. per Spark executor) before timing anything; calling it again is harmless.
 */
public final class KernelWarmUp {
    private KernelWarmUp() {}

    /** Problem sizes: small, but with full and edge tiles and more than one K block. */
    private static final int M = 21, N = 40, K = 260, LEN = 1023;
    /** Calls per kernel: C2 compiles hot loops after roughly 10,000 invocations or back-edges. */
    private static final int ROUNDS = 40;

    /** Warms the kernels of {@link CpuKernels#active()}; returns the seconds it took. */
    public static double run() {
        long start = System.nanoTime();
        CpuKernels kernels = CpuKernels.active();
        CpuPool single = new CpuPool(1);
        float[] a = ramp(M * K), b = ramp(K * N), c = new float[M * N];
        float[] x = ramp(LEN), y = ramp(LEN), out = new float[LEN];
        float[] image = ramp(3 * 12 * 12), cols = new float[3 * 9 * 12 * 12];
        for (int round = 0; round < ROUNDS; round++) {
            for (int trans = 0; trans < 4; trans++) {
                boolean transA = (trans & 1) != 0, transB = (trans & 2) != 0;
                kernels.sgemm(single, transA, transB, M, N, K, 1f, a, 0, transA ? M : K, b, 0, transB ? K : N,
                        0.5f, c, 0, N);
            }
            kernels.add(x, 0, y, 0, out, 0, LEN);
            kernels.sub(x, 0, y, 0, out, 0, LEN);
            kernels.mul(x, 0, y, 0, out, 0, LEN);
            kernels.scale(0.5f, x, 0, out, 0, LEN);
            Im2col.im2col(image, 0, 3, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, cols, 0);
            Im2col.col2im(cols, 0, 3, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, image, 0);
        }
        if (Float.isNaN(c[0] + out[0] + image[0])) throw new IllegalStateException("warm-up produced NaN");
        return (System.nanoTime() - start) * 1e-9;
    }

    private static float[] ramp(int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) v[i] = (i % 17 - 8) * 0.125f;
        return v;
    }
}
