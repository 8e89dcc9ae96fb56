package io.ringtrain.engine.cuda;

import io.ringtrain.engine.backend.Backend;
import io.ringtrain.engine.cpu.Gemm;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The CUDA backend of a replica ({@link Backend}, bound with {@code engine.backend.Placement}). Its large
 * GEMMs go to cuBLAS: the host spans of A, B (and C when it is read) are copied to the device,
 * multiplied there and C is copied back, all inside the call, so the calling layer sees an ordinary
 * host GEMM. Device buffers come from the device's caching allocator
 * ({@link DeviceAllocator}), so a training loop that repeats the same shapes does not cudaMalloc after
 * its first step.
 *
 * <p>Problems with m·n·k below {@code minWork} stay on the CPU: a transfer costs about as much as
 * computing ~2²¹ multiply-adds on the host, so smaller ones are not worth the round trip. Only GEMMs move;
 * every other op of a model still runs on the CPU (this is an offload, not a device-resident backend).
 * Each replica gets its own instance (and counters); replicas on one GPU share its {@link CudaDevice}.
 * Thread-safe: conv2d calls GEMMs from several pool workers; cuBLAS launches are serialised by
 * {@link CudaBlas}, the copies are not.
 */
public final class CudaGemmOffload implements Backend {
    /** Default {@code minWork}: 2²¹ multiply-adds (e.g. 128×128×128). */
    public static final long DEFAULT_MIN_WORK = 1L << 21;

    private final CudaBlas blas;
    private final MatmulPrecision precision;
    private final long minWork;
    private final AtomicLong offloaded = new AtomicLong();
    private final AtomicLong offloadedWork = new AtomicLong();
    private final AtomicLong keptOnCpu = new AtomicLong();

    public CudaGemmOffload(CudaDevice device, MatmulPrecision precision, long minWork) {
        if (minWork < 1) throw new IllegalArgumentException("minWork " + minWork + " must be ≥ 1 multiply-add (1 offloads every non-empty GEMM)");
        this.blas = device.blas();
        this.precision = precision;
        this.minWork = minWork;
    }

    @Override
    public String name() {
        return "GEMM offload to " + blas.device() + " (" + precision + ", m·n·k ≥ " + minWork + ")";
    }

    /** On the GPU when m·n·k ≥ {@code minWork}, else on the CPU kernels; bad arguments are refused before any copy. */
    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        long work = (long) m * n * k;
        if (work < minWork) {
            keptOnCpu.incrementAndGet();
            Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Gemm.checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        blas.sgemm(precision, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        offloaded.incrementAndGet();
        offloadedWork.addAndGet(work);
    }

    public CudaDevice device() {
        return blas.device();
    }

    public MatmulPrecision precision() {
        return precision;
    }

    public long minWork() {
        return minWork;
    }

    /** GEMMs computed on the GPU so far. */
    public long offloadedCalls() {
        return offloaded.get();
    }

    /** GEMMs left to the CPU (below {@code minWork}) so far. */
    public long cpuCalls() {
        return keptOnCpu.get();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "GEMM offload to %s (%s, m·n·k ≥ %d): %d GEMMs on the GPU (%.3g multiply-adds), %d left to the CPU; allocator %s",
                blas.device(), precision, minWork, offloaded.get(), (double) offloadedWork.get(), keptOnCpu.get(),
                blas.device().allocator().stats());
    }
}
