package io.ringtrain.engine.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The offload hook of {@link Gemm}: it sees checked calls first; declining leaves the work to the CPU. */
class GemmOffloadTest {
    private Gemm.GemmOffload before;

    // The hook is global; a run with -Dringtrain.device=cuda has one installed, which is put back after each test.
    @BeforeEach
    void saveInstalled() {
        before = Gemm.offload();
    }

    @AfterEach
    void restoreInstalled() {
        Gemm.setOffload(before);
    }

    private static final float[] A = {1, 2, 3, 4, 5, 6};          // 2×3
    private static final float[] B = {1, 0, 0, 1, 1, 1};          // 3×2
    private static final float[] AB = {4, 5, 10, 11};             // A·B, by hand

    @Test
    void aDecliningOffloadSeesTheCallAndTheCpuComputesIt() {
        AtomicInteger seen = new AtomicInteger();
        Gemm.setOffload((ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) -> {
            assertEquals(2, m);
            assertEquals(2, n);
            assertEquals(3, k);
            seen.incrementAndGet();
            return false;
        });
        float[] c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 3, 1f, A, 0, 3, B, 0, 2, 0f, c, 0, 2);
        assertEquals(1, seen.get());
        assertArrayEquals(AB, c, 0f);
    }

    @Test
    void anAcceptingOffloadReplacesTheCpu() {
        Gemm.setOffload((ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) -> {
            java.util.Arrays.fill(c, cOff, cOff + m * ldc, -1f);   // a marker the CPU kernels would overwrite
            return true;
        });
        float[] c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 3, 1f, A, 0, 3, B, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {-1, -1, -1, -1}, c, 0f);
    }

    @Test
    void badArgumentsAreRejectedBeforeTheOffloadSeesThem() {
        AtomicInteger seen = new AtomicInteger();
        Gemm.setOffload((ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) -> seen.incrementAndGet() > 0);
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, A, 0, 3, B, 0, 2, 0f, new float[3], 0, 2));
        assertEquals(0, seen.get());
    }

    @Test
    void nullRemovesTheOffload() {
        Gemm.GemmOffload declining = (ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) -> false;
        Gemm.setOffload(declining);
        assertSame(declining, Gemm.offload());
        Gemm.setOffload(null);
        assertEquals(null, Gemm.offload());
        float[] c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 3, 1f, A, 0, 3, B, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(AB, c, 0f);
    }
}
