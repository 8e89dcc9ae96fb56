package io.ringtrain.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API sgemm ({@link GemmSimd}) against the scalar definition ({@link GemmReference}).
 *
 * <p>Tolerance: the two sum the k products in different orders (blocked, fused multiply-add),
 * so each C element may differ by rounding: |ours − ref| ≤ 1e-5·√k·(|alpha|·Σ_p|a_ip·b_pj| +
 * |beta·c_ij|), about 80 float ulps of the magnitude that was summed, times √k for the random
 * walk of rounding errors. A wrong index or a missed tile is off by the order of that magnitude
 * itself and fails. Elements of C outside the m×n view (offset, ldc padding) must be untouched.
 */
class GemmSimdTest {
    private static final int[] SIZES = {1, 3, 17, 64, 129, 257};
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {-0.5f, 1f}, {2.5f, 0.75f}};
    private static final CpuPool THREE_THREADS = new CpuPool(3);
    private static final CpuPool ONE_THREAD = new CpuPool(1);

    @AfterAll
    static void noteKernels() {
        System.out.println("GemmSimdTest ran with " + CpuKernels.active().description());
    }

    /** One problem: stored A, B, C with offsets and leading dimensions wider than the matrices. */
    private static final class Problem {
        final boolean transA, transB;
        final int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        final float alpha, beta;
        final float[] a, b, c;

        Problem(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, long seed) {
            Random random = new Random(seed);
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            aOff = 1 + random.nextInt(5);
            lda = aCols + random.nextInt(4);
            bOff = 1 + random.nextInt(5);
            ldb = bCols + random.nextInt(4);
            cOff = 1 + random.nextInt(5);
            ldc = n + 1 + random.nextInt(4);
            a = randomArray(random, aOff + aRows * lda + 3);
            b = randomArray(random, bOff + bRows * ldb + 3);
            c = randomArray(random, cOff + m * ldc + 3);
        }

        float[] reference() {
            float[] expected = c.clone();
            GemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
            return expected;
        }

        float[] simd(CpuPool pool) {
            float[] actual = c.clone();
            GemmSimd.sgemm(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, actual, cOff, ldc);
            return actual;
        }

        /** Per element of C: the allowed difference (0 outside the view, which must not change). */
        float[] tolerance() {
            float[] absA = abs(a), absB = abs(b);
            float[] magnitude = new float[c.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) magnitude[cOff + i * ldc + j] = Math.abs(beta * c[cOff + i * ldc + j]);
            }
            GemmReference.sgemm(transA, transB, m, n, k, Math.abs(alpha), absA, aOff, lda, absB, bOff, ldb,
                    1f, magnitude, cOff, ldc);
            float factor = (float) (1e-5 * Math.sqrt(Math.max(k, 1)));
            for (int i = 0; i < magnitude.length; i++) magnitude[i] *= factor;
            return magnitude;
        }

        String describe() {
            return String.format("transA=%s transB=%s m=%d n=%d k=%d alpha=%s beta=%s lda=%d ldb=%d ldc=%d",
                    transA, transB, m, n, k, alpha, beta, lda, ldb, ldc);
        }
    }

    @ParameterizedTest(name = "transA={0} transB={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void matchesTheReferenceForEverySizeWithOffsetsAndPaddedLeadingDimensions(boolean transA, boolean transB) {
        int combination = 0;
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    float[] alphaBeta = ALPHA_BETA[combination % ALPHA_BETA.length];
                    Problem problem = new Problem(transA, transB, m, n, k, alphaBeta[0], alphaBeta[1], combination++);
                    assertWithinTolerance(problem, problem.simd(CpuPool.shared()));
                }
            }
        }
    }

    @Test
    void resultIsBitForBitTheSameOnOneAndOnThreeThreads() {
        // Shapes that split by columns (wide), by rows (tall) and that leave partial tiles.
        int[][] shapes = {{257, 300, 129}, {1000, 40, 70}, {129, 1000, 17}, {66, 67, 300}};
        long parallelBefore = GemmSimd.PARALLEL_CALLS.get();
        for (int[] shape : shapes) {
            for (boolean transA : new boolean[] {false, true}) {
                Problem problem = new Problem(transA, !transA, shape[0], shape[1], shape[2], 1.5f, 0.5f, shape[0]);
                float[] single = problem.simd(ONE_THREAD);
                float[] threaded = problem.simd(THREE_THREADS);
                assertArrayEquals(single, threaded, problem.describe());
                assertWithinTolerance(problem, threaded);
            }
        }
        assertEquals(parallelBefore + 2L * shapes.length, GemmSimd.PARALLEL_CALLS.get(),
                "every three-thread call must have been split over threads");
    }

    @Test
    void concurrentCallersEachGetTheirOwnCorrectResult() throws Exception {
        // Four threads multiplying different problems at once: a set of packing buffers is never
        // handed to two blocks in flight (shared spares, taken and given back).
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int seed = 100 + t;
                done.add(callers.submit(() -> {
                    for (int call = 0; call < 10; call++) {
                        Problem problem = new Problem(call % 2 == 0, seed % 2 == 0, 60 + seed, 90 + call, 130, 1f, 0f,
                                seed * 31L + call);
                        assertWithinTolerance(problem, problem.simd(CpuPool.shared()));
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) f.get();
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * Sizes that cross every block boundary with odd remainders: m past one row block (MC), k past
     * two K blocks (KC), n past one column block (NC, the only test here wider than NC), for every
     * transpose, on one thread and split over three.
     */
    @ParameterizedTest(name = "transA={0} transB={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void sizesCrossingTheRowKAndColumnBlocksMatchTheReference(boolean transA, boolean transB) {
        int m = GemmSimd.MC + 3, n = GemmSimd.NC + GemmSimd.NR + 5, k = 2 * GemmSimd.KC + 1;
        Problem problem = new Problem(transA, transB, m, n, k, -0.75f, 0.5f, 7);
        assertWithinTolerance(problem, problem.simd(ONE_THREAD));
        assertWithinTolerance(problem, problem.simd(THREE_THREADS));
    }

    @Test
    void lastPanelExactlyOneVectorWideMatchesTheReference() {
        // n ≡ 16 (mod 32): the last panel runs the one-vector kernel on full tiles (AVX-512).
        int[][] shapes = {{66, 784, 9}, {257, 48, 300}, {8, 16, 33}};
        for (int[] shape : shapes) {
            for (int trans = 0; trans < 4; trans++) {
                Problem problem = new Problem((trans & 1) != 0, (trans & 2) != 0, shape[0], shape[1], shape[2], 0.5f,
                        1f, trans);
                assertWithinTolerance(problem, problem.simd(CpuPool.shared()));
            }
        }
    }

    @Test
    void betaZeroOverwritesNaNInC() {
        Problem problem = new Problem(false, false, 17, 33, 9, 1f, 0f, 7);
        java.util.Arrays.fill(problem.c, Float.NaN);
        float[] actual = problem.simd(CpuPool.shared());
        for (int i = 0; i < problem.m; i++) {
            for (int j = 0; j < problem.n; j++) {
                assertFalse(Float.isNaN(actual[problem.cOff + i * problem.ldc + j]), "C[" + i + "," + j + "] kept NaN");
            }
        }
        assertWithinToleranceIgnoringNaN(problem, actual);
    }

    @Test
    void alphaZeroOrEmptyKOnlyScalesC() {
        for (int k : new int[] {0, 5}) {
            Problem problem = new Problem(false, true, 9, 35, k, k == 0 ? 1f : 0f, 0.25f, 11);
            float[] actual = problem.simd(CpuPool.shared());
            float[] expected = problem.c.clone();
            for (int i = 0; i < problem.m; i++) {
                for (int j = 0; j < problem.n; j++) expected[problem.cOff + i * problem.ldc + j] *= 0.25f;
            }
            assertArrayEquals(expected, actual, "k=" + k);
        }
    }

    @Test
    void publicEntryPointUsesTheVectorKernelsAndMatchesTheReference() {
        assertTrue(CpuKernels.active().vectorized(),
                "tests run with --add-modules jdk.incubator.vector, so the Vector API kernels must be active");
        Problem problem = new Problem(true, false, 70, 90, 110, 1f, 1f, 3);
        float[] actual = problem.c.clone();
        Gemm.sgemm(problem.transA, problem.transB, problem.m, problem.n, problem.k, problem.alpha, problem.a,
                problem.aOff, problem.lda, problem.b, problem.bOff, problem.ldb, problem.beta, actual,
                problem.cOff, problem.ldc);
        assertWithinTolerance(problem, actual);
    }

    @Test
    void rejectsALeadingDimensionNarrowerThanTheMatrixNamingTheMatrix() {
        float[] a = new float[100], b = new float[100], c = new float[100];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 4, 4, 5, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4));
        assertTrue(e.getMessage().contains("leading dimension of A"), e.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 10, 10, 10, 1f, a, 0, 10, b, 0, 10, 0f, c, 5, 10));
        assertTrue(outside.getMessage().contains("C (10×10"), outside.getMessage());
    }

    private static void assertWithinTolerance(Problem problem, float[] actual) {
        float[] expected = problem.reference();
        float[] tolerance = problem.tolerance();
        for (int i = 0; i < expected.length; i++) {
            float diff = Math.abs(actual[i] - expected[i]);
            if (!(diff <= tolerance[i])) {
                fail(problem.describe() + ": C index " + i + " is " + actual[i] + ", reference " + expected[i]
                        + ", allowed difference " + tolerance[i]);
            }
        }
        assertEquals(expected.length, actual.length);
    }

    private static void assertWithinToleranceIgnoringNaN(Problem problem, float[] actual) {
        float[] expected = problem.reference();
        float[] tolerance = problem.tolerance();
        for (int i = 0; i < problem.m; i++) {
            for (int j = 0; j < problem.n; j++) {
                int at = problem.cOff + i * problem.ldc + j;
                // With C = NaN the magnitude term |beta·c| is NaN too; beta = 0 so drop it.
                float allowed = Float.isNaN(tolerance[at]) ? 1e-4f : tolerance[at];
                assertTrue(Math.abs(actual[at] - expected[at]) <= allowed, problem.describe() + " at " + i + "," + j);
            }
        }
    }

    static float[] randomArray(Random random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) x[i] = random.nextFloat() * 2f - 1f;
        return x;
    }

    private static float[] abs(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.abs(x[i]);
        return y;
    }
}
