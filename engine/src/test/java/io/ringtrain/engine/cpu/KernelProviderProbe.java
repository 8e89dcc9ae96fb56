package io.ringtrain.engine.cpu;

import java.util.Random;

/**
 * A tiny main for {@link ScalarFallbackIT}: runs each kernel family twice on a fixed problem in
 * whatever JVM it is started in and prints, one per line, {@code vectorized=...},
 * {@code kernels=...} and the results as {@code gemm=v0 v1 ...} and {@code add=v0 v1 ...}.
 */
public final class KernelProviderProbe {
    static final int M = 37, N = 45, K = 29, LEN = 1023;

    public static void main(String[] args) {
        float[] a = problem(1, M * K), b = problem(2, K * N), x = problem(3, LEN);
        float[] c = new float[M * N], sum = new float[LEN];
        float[] y = problem(4, LEN);
        for (int call = 0; call < 2; call++) {  // twice: the warning must still appear once
            Gemm.sgemm(false, false, M, N, K, 1f, a, 0, K, b, 0, N, 0f, c, 0, N);
            VectorOps.add(x, 0, y, 0, sum, 0, LEN);
        }
        System.out.println("vectorized=" + CpuKernels.active().vectorized());
        System.out.println("kernels=" + CpuKernels.active().description());
        System.out.println("gemm=" + join(c));
        System.out.println("add=" + join(sum));
    }

    static float[] problem(long seed, int length) {
        Random random = new Random(seed);
        float[] v = new float[length];
        for (int i = 0; i < length; i++) v[i] = random.nextFloat() * 2f - 1f;
        return v;
    }

    private static String join(float[] values) {
        StringBuilder s = new StringBuilder();
        for (float v : values) s.append(s.length() == 0 ? "" : " ").append(v);
        return s.toString();
    }
}
