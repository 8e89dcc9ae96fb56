package io.ringtrain.engine.cpu;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API sgemm, same contract as {@link GemmReference}: {@code C = alpha·op(A)·op(B) + beta·C},
 * row-major.
 *
 * <p>Structure (GotoBLAS/BLIS): C is cut into column blocks of {@link #NC}, K into blocks of
 * {@link #KC}, rows into blocks of {@link #MC}. For each (column block, K block) the K×N slice of
 * op(B) is packed into panels {@link #NR} columns wide (kc rows of NR contiguous floats), and for
 * each row block the M×K slice of alpha·op(A) into panels {@link #MR} rows high (kc columns of
 * MR contiguous floats). Packing is where transposition and alpha are handled, so one
 * micro-kernel serves all four cases. The micro-kernel keeps an MR×NR tile of C in registers
 * (MR × 2 vectors), broadcasts one element of A per row and multiplies it into two vectors of
 * the packed B panel:
 * <pre>
 *   for p in 0..kc:  b0,b1 = B[p, 0..NR);  for r in 0..MR:  acc[r] += A[r, p] · (b0, b1)
 * </pre>
 * and adds the tile to C once at the end of the K block. Edge panels are padded with zeros so
 * the micro-kernel always runs full tiles; partial tiles are added to C through a small scratch
 * tile.
 *
 * <p>Threads: C is split into disjoint blocks (rows first, then columns), one task per thread
 * of a {@link CpuPool}; each task packs its own panels. Every C element is computed by one task
 * with the same K blocking and the same order of fused multiply-adds whatever the split, so the
 * result does not depend on the number of threads.
 *
 * <p>Memory: each block in flight holds one set of packing buffers (up to KC·NC + MC·KC floats,
 * about 4.1 MiB), taken from a shared spare list and given back for the next block: as many sets as
 * blocks ever ran at once (the same rule as {@code Conv2dKernels.Workspace}).
 */
final class GemmSimd {
    private GemmSimd() {}

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** floats per vector: 16 with AVX-512, 8 with AVX2. */
    static final int V = SPECIES.length();
    /** Rows of the register tile (one broadcast of A each); packATransposed copies MR = 4 floats per p. */
    static final int MR = 4;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * V;
    /** K block: a kc×NR panel of B (32 KiB at kc = 256, NR = 32) is reused for every MR rows. */
    static final int KC = 256;
    /** Row block: an MC×KC packed block of A (128 KiB) stays in L2. */
    static final int MC = 128;
    /** Column block: a KC×NC packed block of B (up to 4 MiB) stays in L3. */
    static final int NC = 4096;
    /**
     * Below this many multiply-adds (m·n·k) the work stays on the calling thread: handing tasks
     * to the pool and waiting costs 2–8 µs here, and 2^20 multiply-adds take ~15 µs on one core.
     */
    static final long PARALLEL_MIN_WORK = 1L << 20;
    /** Row blocks of a task are at least this high, so B panels are reused across many rows. */
    static final int ROWS_PER_TASK_MIN = 128;

    /** How many calls were split over threads (for tests: proves the threaded path ran). */
    static final AtomicLong PARALLEL_CALLS = new AtomicLong();

    /**
     * Packing buffers not lent to a block, most recently given back first; a block that finds none
     * makes a set. Not a ThreadLocal: the callers are Spark's task threads, whose ThreadLocal maps
     * also hold Spark's and Scala's entries, and a lookup whose slot lands in a run of them walks
     * the run (linear probing), at a cost that depends on the order the entries were made in; it
     * showed in profiles of Spark training and not outside Spark.
     */
    private static final ConcurrentLinkedDeque<PackBuffers> SPARE = new ConcurrentLinkedDeque<>();

    /** Packing space, grown on demand and kept, so steady-state calls allocate nothing. */
    private static final class PackBuffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int size) {
            if (a.length < size) a = new float[size];
            return a;
        }

        float[] b(int size) {
            if (b.length < size) b = new float[size];
            return b;
        }
    }

    static void sgemm(CpuPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        // A call from a task of a running pool call (a layer running one image per thread), or while
        // another replica's call holds the pool, would get no helpers (see CpuPool): it does not
        // split, so it packs each panel once. Results do not depend on the split either way.
        long work = (long) m * n * k;
        if (pool.threads() == 1 || work < PARALLEL_MIN_WORK || pool.busy()) {
            block(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            parallel(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    private static void parallel(CpuPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        // Task grid: rowTasks × colTasks blocks of C, one per thread. Each task packs its own
        // panels: splitting rows repeats the packing of B (k·n per task, mostly contiguous
        // copies), splitting columns repeats A's (m·k, strided), so rows are split first while
        // blocks stay at least ROWS_PER_TASK_MIN high, then columns. Measured here, 4 smaller
        // tasks per thread (for balance on shared cores) were no faster: the packing they repeat
        // cost what the balance gained. Bounds are whole tiles, so edge tiles only occur at the
        // matrix edge.
        int wanted = pool.threads();
        int rowUnits = ceilDiv(m, MR), colUnits = ceilDiv(n, NR);
        int rowTasks = Math.min(wanted, ceilDiv(m, ROWS_PER_TASK_MIN));
        int colTasks = Math.min(colUnits, ceilDiv(wanted, rowTasks));
        rowTasks = Math.min(rowTasks, rowUnits);
        if (rowTasks * colTasks <= 1) {
            block(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        PARALLEL_CALLS.incrementAndGet();
        final int rowCount = rowTasks, colCount = colTasks;
        pool.forEach(rowCount * colCount, t -> {
            int rt = t / colCount, ct = t % colCount;
            int i0 = Math.min(m, (int) ((long) rowUnits * rt / rowCount) * MR);
            int i1 = Math.min(m, (int) ((long) rowUnits * (rt + 1) / rowCount) * MR);
            int j0 = Math.min(n, (int) ((long) colUnits * ct / colCount) * NR);
            int j1 = Math.min(n, (int) ((long) colUnits * (ct + 1) / colCount) * NR);
            if (i0 < i1 && j0 < j1) {
                block(transA, transB, i0, i1, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
        });
    }

    /** C[i0..i1, j0..j1) = alpha·op(A)·op(B) + beta·C over that block, on the calling thread. */
    private static void block(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                              float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        scaleC(beta, c, cOff, ldc, i0, i1, j0, j1);
        if (k == 0 || alpha == 0f) return;
        PackBuffers spare = SPARE.pollFirst();
        PackBuffers buffers = spare != null ? spare : new PackBuffers();
        try {
            packAndMultiply(transA, transB, i0, i1, j0, j1, k, a, aOff, lda, b, bOff, ldb, alpha, c, cOff, ldc, buffers);
        } finally {
            SPARE.offerFirst(buffers);
        }
    }

    private static void packAndMultiply(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float alpha,
                                        float[] c, int cOff, int ldc, PackBuffers buffers) {
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            int ncPadded = ceilDiv(nc, NR) * NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] bPack = buffers.b(kc * ncPadded);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bPack);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    int mcPadded = ceilDiv(mc, MR) * MR;
                    float[] aPack = buffers.a(mcPadded * kc);
                    packA(transA, alpha, a, aOff, lda, ic, mc, pc, kc, aPack);
                    macroKernel(mc, nc, kc, aPack, bPack, c, cOff + ic * ldc + jc, ldc, buffers.tile);
                }
            }
        }
    }

    /** beta·C on the block; beta = 0 overwrites (so NaN/Inf in C do not survive, as in BLAS). */
    private static void scaleC(float beta, float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1) {
        if (beta == 1f) return;
        for (int i = i0; i < i1; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, row + j0, row + j1, 0f);
            } else {
                for (int j = row + j0; j < row + j1; j++) c[j] *= beta;
            }
        }
    }

    /**
     * Packs op(B)[pc..pc+kc, jc..jc+nc) into panels of NR columns: panel q holds, for each p,
     * the NR floats op(B)[pc+p, jc+q·NR ..] at bPack[(q·kc + p)·NR ..]; columns past nc are 0.
     * (Each layout has its own method, so each is compiled with its own profile.)
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                              float[] bPack) {
        if (transB) packBTransposed(b, bOff, ldb, pc, kc, jc, nc, bPack);
        else packBRows(b, bOff, ldb, pc, kc, jc, nc, bPack);
    }

    /** op(B)[p, j] = b[p·ldb + j]: each row of a panel is a contiguous copy. */
    private static void packBRows(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bPack) {
        for (int q = 0, j = 0; j < nc; q++, j += NR) {
            int width = Math.min(NR, nc - j);
            int panel = q * kc * NR;
            int src = bOff + pc * ldb + jc + j;
            for (int p = 0; p < kc; p++, src += ldb) {
                int dst = panel + p * NR;
                System.arraycopy(b, src, bPack, dst, width);
                for (int x = width; x < NR; x++) bPack[dst + x] = 0f;
            }
        }
    }

    /** op(B)[p, j] = b[j·ldb + p]: read along p (contiguous), write with stride NR. */
    private static void packBTransposed(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                                        float[] bPack) {
        for (int q = 0, j = 0; j < nc; q++, j += NR) {
            int width = Math.min(NR, nc - j);
            int panel = q * kc * NR;
            for (int x = 0; x < width; x++) {
                int src = bOff + (jc + j + x) * ldb + pc;
                for (int p = 0, dst = panel + x; p < kc; p++, dst += NR) bPack[dst] = b[src + p];
            }
            for (int x = width; x < NR; x++) {
                for (int p = 0, dst = panel + x; p < kc; p++, dst += NR) bPack[dst] = 0f;
            }
        }
    }

    /**
     * Packs alpha·op(A)[ic..ic+mc, pc..pc+kc) into panels of MR rows: panel q holds, for each p,
     * the MR floats alpha·op(A)[ic+q·MR .., pc+p] at aPack[(q·kc + p)·MR ..]; rows past mc are 0.
     */
    private static void packA(boolean transA, float alpha, float[] a, int aOff, int lda, int ic, int mc,
                              int pc, int kc, float[] aPack) {
        if (transA) packATransposed(alpha, a, aOff, lda, ic, mc, pc, kc, aPack);
        else packARows(alpha, a, aOff, lda, ic, mc, pc, kc, aPack);
    }

    /** op(A)[i, p] = a[i·lda + p]: read along p, write with stride MR. */
    private static void packARows(float alpha, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                                  float[] aPack) {
        for (int q = 0, i = 0; i < mc; q++, i += MR) {
            int height = Math.min(MR, mc - i);
            int panel = q * kc * MR;
            for (int r = 0; r < height; r++) {
                int src = aOff + (ic + i + r) * lda + pc;
                for (int p = 0, dst = panel + r; p < kc; p++, dst += MR) aPack[dst] = alpha * a[src + p];
            }
            for (int r = height; r < MR; r++) {
                for (int p = 0, dst = panel + r; p < kc; p++, dst += MR) aPack[dst] = 0f;
            }
        }
    }

    /**
     * op(A)[i, p] = a[p·lda + i]: the MR floats of one p are contiguous, copied as four scalars. Not as
     * one 128-bit vector: the engine's only vector of another size than {@link #SPECIES} made the JDK's
     * shared type profiles of FloatVector bimorphic, and C2 then compiled vector stores and lane-wise
     * ops (here and in other kernels compiled later) as calls into the Vector API's Java fallback.
     */
    private static void packATransposed(float alpha, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                                        float[] aPack) {
        for (int q = 0, i = 0; i < mc; q++, i += MR) {
            int height = Math.min(MR, mc - i);
            int panel = q * kc * MR;
            if (height == MR) {
                for (int p = 0, src = aOff + pc * lda + ic + i, dst = panel; p < kc; p++, src += lda, dst += MR) {
                    aPack[dst] = alpha * a[src];
                    aPack[dst + 1] = alpha * a[src + 1];
                    aPack[dst + 2] = alpha * a[src + 2];
                    aPack[dst + 3] = alpha * a[src + 3];
                }
                continue;
            }
            for (int p = 0; p < kc; p++) {
                int src = aOff + (pc + p) * lda + ic + i;
                int dst = panel + p * MR;
                for (int r = 0; r < MR; r++) aPack[dst + r] = r < height ? alpha * a[src + r] : 0f;
            }
        }
    }

    /** C[0..mc, 0..nc) (at cBase, row stride ldc) += packed A block × packed B block. */
    private static void macroKernel(int mc, int nc, int kc, float[] aPack, float[] bPack,
                                    float[] c, int cBase, int ldc, float[] tile) {
        for (int j = 0, qb = 0; j < nc; j += NR, qb++) {
            int width = Math.min(NR, nc - j);
            int bPanel = qb * kc * NR;
            for (int i = 0, qa = 0; i < mc; i += MR, qa++) {
                int height = Math.min(MR, mc - i);
                int aPanel = qa * kc * MR;
                int cTile = cBase + i * ldc + j;
                if (width <= V) {
                    // A last panel at most one vector wide: the one-vector kernel does half the work.
                    boolean fullTile = height == MR && width == V;
                    if (!fullTile) java.util.Arrays.fill(tile, 0f);
                    microKernelNarrow(kc, aPack, aPanel, bPack, bPanel,
                            fullTile ? c : tile, fullTile ? cTile : 0, fullTile ? ldc : NR);
                    if (!fullTile) addTile(tile, height, width, c, cTile, ldc);
                    continue;
                }
                boolean fullTile = height == MR && width == NR;
                if (!fullTile) java.util.Arrays.fill(tile, 0f);
                // One call site: the micro-kernel is compiled on its own (it is larger than C2's
                // inlining limit for hot methods), with its own inlining budget for the vector ops.
                microKernel(kc, aPack, aPanel, bPack, bPanel,
                        fullTile ? c : tile, fullTile ? cTile : 0, fullTile ? ldc : NR);
                if (!fullTile) addTile(tile, height, width, c, cTile, ldc);
            }
        }
    }

    /** C[0..height, 0..width) at cTile += the scratch tile (row stride NR). */
    private static void addTile(float[] tile, int height, int width, float[] c, int cTile, int ldc) {
        for (int r = 0; r < height; r++) {
            for (int x = 0; x < width; x++) c[cTile + r * ldc + x] += tile[r * NR + x];
        }
    }

    /**
     * As {@link #microKernel} for the first vector of the panel only (MR×V tile, 4 accumulators):
     * the same multiply-adds in the same order for those columns, so results are identical.
     */
    private static void microKernelNarrow(int kc, float[] aPack, int aIdx, float[] bPack, int bIdx,
                                          float[] c, int cTile, int ldc) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = FloatVector.zero(SPECIES);
        FloatVector c2 = FloatVector.zero(SPECIES), c3 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++, aIdx += MR, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bPack, bIdx);
            c0 = FloatVector.broadcast(SPECIES, aPack[aIdx]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, aPack[aIdx + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, aPack[aIdx + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, aPack[aIdx + 3]).fma(b0, c3);
        }
        int r0 = cTile, r1 = cTile + ldc, r2 = cTile + 2 * ldc, r3 = cTile + 3 * ldc;
        FloatVector.fromArray(SPECIES, c, r0).add(c0).intoArray(c, r0);
        FloatVector.fromArray(SPECIES, c, r1).add(c1).intoArray(c, r1);
        FloatVector.fromArray(SPECIES, c, r2).add(c2).intoArray(c, r2);
        FloatVector.fromArray(SPECIES, c, r3).add(c3).intoArray(c, r3);
    }

    /** C tile (MR×NR at cTile, row stride ldc) += A panel (kc×MR) · B panel (kc×NR). */
    private static void microKernel(int kc, float[] aPack, int aIdx, float[] bPack, int bIdx,
                                    float[] c, int cTile, int ldc) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++, aIdx += MR, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bPack, bIdx);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bPack, bIdx + V);
            FloatVector a0 = FloatVector.broadcast(SPECIES, aPack[aIdx]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(SPECIES, aPack[aIdx + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(SPECIES, aPack[aIdx + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(SPECIES, aPack[aIdx + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        // Written out rather than through a helper taking vectors: a helper that C2 declines to
        // inline (node-count cutoff) would receive its vectors boxed, on every tile.
        int r0 = cTile, r1 = cTile + ldc, r2 = cTile + 2 * ldc, r3 = cTile + 3 * ldc;
        FloatVector.fromArray(SPECIES, c, r0).add(c00).intoArray(c, r0);
        FloatVector.fromArray(SPECIES, c, r0 + V).add(c01).intoArray(c, r0 + V);
        FloatVector.fromArray(SPECIES, c, r1).add(c10).intoArray(c, r1);
        FloatVector.fromArray(SPECIES, c, r1 + V).add(c11).intoArray(c, r1 + V);
        FloatVector.fromArray(SPECIES, c, r2).add(c20).intoArray(c, r2);
        FloatVector.fromArray(SPECIES, c, r2 + V).add(c21).intoArray(c, r2 + V);
        FloatVector.fromArray(SPECIES, c, r3).add(c30).intoArray(c, r3);
        FloatVector.fromArray(SPECIES, c, r3 + V).add(c31).intoArray(c, r3 + V);
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
