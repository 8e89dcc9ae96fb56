package io.ringtrain.engine.cuda;

import io.ringtrain.engine.cpu.Gemm;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cuBLAS sgemm against a float64 reference of the same row-major contract as {@link Gemm#sgemm},
 * on odd sizes, all four transpose combinations, offsets, padded leading dimensions and alpha/beta.
 * Tolerances are norm-wise relative errors ‖C − C₆₄‖/‖C₆₄‖ (random N(0,1) data):
 * FP32 1e-5·√k/√64 (float32 rounding grows like √k·6e-8; 1e-5 at k = 64 leaves a wide margin),
 * TF32 2e-3 (10-bit mantissa inputs, u = 4.9e-4; expected about 3e-4 with round-to-nearest, up to
 * about 1e-3 if the inputs are truncated), BF16 1e-2 (7-bit mantissa, u = 3.9e-3; expected about 3e-3).
 * A transposition or indexing mistake gives errors of order 1.
 */
class CudaBlasGpuTest {
    private static final SplittableRandom RNG = new SplittableRandom(42);

    @Test
    void fp32MatchesTheFloat64ReferenceForEveryTransposeAndLayout() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        int[][] sizes = {{37, 53, 129}, {1, 300, 17}, {64, 1, 1000}, {200, 150, 64}};
        for (int[] s : sizes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    double err = run(gpu, MatmulPrecision.FP32, ta, tb, s[0], s[1], s[2], 1.5f, -0.5f);
                    double tol = 1e-5 * Math.sqrt(s[2] / 64.0);
                    assertTrue(err < tol, String.format("FP32 m=%d n=%d k=%d tA=%b tB=%b: rel err %.3g ≥ %.3g", s[0], s[1], s[2], ta, tb, err, tol));
                }
            }
        }
    }

    @Test
    void tf32AndBf16StayWithinTheirFormatsRoundoff() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        for (boolean ta : new boolean[] {false, true}) {
            double tf32 = run(gpu, MatmulPrecision.TF32, ta, !ta, 257, 129, 511, 1f, 0f);
            double bf16 = run(gpu, MatmulPrecision.BF16, ta, !ta, 257, 129, 511, 1f, 0f);
            System.out.printf("relative errors at 257x129x511: TF32 %.3g, BF16 %.3g%n", tf32, bf16);
            assertTrue(tf32 < 2e-3, "TF32 rel err " + tf32);
            assertTrue(bf16 < 1e-2, "BF16 rel err " + bf16);
        }
    }

    @Test
    void theStaticEntryPointHasGemmsContractIncludingBetaAndKZero() {
        GpuAssumptions.requireGpu();
        int m = 9, n = 7, k = 5;
        float[] a = gaussian(m * k), b = gaussian(k * n), c = gaussian(m * n);
        float[] cpu = c.clone(), gpuOut = c.clone();
        Gemm.sgemm(false, false, m, n, k, 2f, a, 0, k, b, 0, n, 0.25f, cpu, 0, n);
        CudaBlas.sgemm(false, false, m, n, k, 2f, a, 0, k, b, 0, n, 0.25f, gpuOut, 0, n);
        assertArrayEquals(cpu, gpuOut, 1e-5f);   // |values| ≲ 10, float32 on both sides with k = 5

        float[] scaled = c.clone();
        CudaBlas.sgemm(false, false, m, n, 0, 2f, a, 0, 1, b, 0, n, 0.5f, scaled, 0, n);   // k = 0: C = beta·C
        for (int i = 0; i < c.length; i++) assertEquals(0.5f * c[i], scaled[i], 0f);
    }

    /** Runs C = alpha·op(A)·op(B) + beta·C with offsets and padded strides; returns the relative error. */
    private static double run(CudaDevice gpu, MatmulPrecision precision, boolean ta, boolean tb, int m, int n, int k,
                              float alpha, float beta) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + 3, ldb = bCols + 1, ldc = n + 2, aOff = 5, bOff = 2, cOff = 7;
        float[] a = gaussian(aOff + aRows * lda), b = gaussian(bOff + bRows * ldb), c = gaussian(cOff + m * ldc + 4);
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    dot += av * bv;
                }
                expected[i * n + j] = alpha * dot + beta * c[cOff + i * ldc + j];
            }
        }
        float[] out = c.clone();
        gpu.blas().sgemm(precision, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
        float[] got = new float[m * n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(out, cOff + i * ldc, got, i * n, n);
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                assertEquals(c[cOff + i * ldc + j], out[cOff + i * ldc + j], 0f, "padding between rows of C must be untouched");
            }
        }
        assertEquals(Arrays.toString(Arrays.copyOf(c, cOff)), Arrays.toString(Arrays.copyOf(out, cOff)), "elements before C's offset untouched");
        return GpuAssumptions.relativeError(got, expected);
    }

    private static float[] gaussian(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) RNG.nextGaussian();
        return x;
    }
}
