package io.ringtrain.engine.cuda;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;

/**
 * cuBLAS GEMM with the engine's row-major contract ({@link io.ringtrain.engine.cpu.Gemm#sgemm}):
 * {@code C = alpha * op(A) * op(B) + beta * C}, op(A) m×k, op(B) k×n, C m×n, all row-major.
 *
 * <p>cuBLAS is column-major. A row-major matrix with row stride ld is the same memory as its transpose
 * in column-major with leading dimension ld, so row-major {@code C = op(A)·op(B)} is column-major
 * {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: call cuBLAS with the operands swapped (B first), m and n swapped, and
 * the same transpose flags and leading dimensions.
 */
public final class CudaBlas {
    private final CudaDevice device;
    private final cublasContext handle = new cublasContext();

    CudaBlas(CudaDevice device) {
        this.device = device;
        device.makeCurrent();
        CudaException.checkBlas(cublas.cublasCreate_v2(handle), "cublasCreate");
    }

    /** Same signature and semantics as {@link io.ringtrain.engine.cpu.Gemm#sgemm}, on CUDA device 0 in FP32. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        CudaDevice.get(0).blas().sgemm(MatmulPrecision.FP32, transA, transB, m, n, k, alpha,
                a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Host arrays in and out: copies the spans of A, B (and C when it is read) to the device, multiplies,
     * copies C back. The device buffers come from the device's caching allocator, so repeated calls of
     * one shape do not cudaMalloc.
     */
    public void sgemm(MatmulPrecision precision, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        checkShape(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) return;
        int aSpan = span(transA ? k : m, transA ? m : k, lda);
        int bSpan = span(transB ? n : k, transB ? k : n, ldb);
        int cSpan = span(m, n, ldc);
        checkHost("A", a, aOff, aSpan);
        checkHost("B", b, bOff, bSpan);
        checkHost("C", c, cOff, cSpan);
        try (DeviceBuffer da = device.allocateFloats(Math.max(aSpan, 1));
             DeviceBuffer db = device.allocateFloats(Math.max(bSpan, 1));
             DeviceBuffer dc = device.allocateFloats(cSpan)) {
            device.copyToDevice(a, aOff, da, 0, aSpan);
            device.copyToDevice(b, bOff, db, 0, bSpan);
            // C is read when beta != 0; with ldc > n the gaps between rows are copied back, so they
            // must hold the host's values too.
            if (beta != 0f || ldc != n) device.copyToDevice(c, cOff, dc, 0, cSpan);
            sgemmDevice(precision, transA, transB, m, n, k, alpha, da, 0, lda, db, 0, ldb, beta, dc, 0, ldc);
            device.copyToHost(dc, 0, c, cOff, cSpan);
        }
    }

    /**
     * Device-resident GEMM: operands already on this device (offsets in floats). Asynchronous on the
     * default stream: a later copy to the host, {@link CudaDevice#synchronize()} or an event orders it.
     */
    public void sgemmDevice(MatmulPrecision precision, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            DeviceBuffer a, long aOff, int lda, DeviceBuffer b, long bOff, int ldb,
                            float beta, DeviceBuffer c, long cOff, int ldc) {
        checkShape(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) return;
        checkDevice("A", a, aOff, span(transA ? k : m, transA ? m : k, lda));
        checkDevice("B", b, bOff, span(transB ? n : k, transB ? k : n, ldb));
        checkDevice("C", c, cOff, span(m, n, ldc));
        int computeType;
        int mathMode;
        switch (precision) {
            case TF32:
                computeType = cublas.CUBLAS_COMPUTE_32F_FAST_TF32;
                mathMode = cublas.CUBLAS_TF32_TENSOR_OP_MATH;
                break;
            case BF16:
                computeType = cublas.CUBLAS_COMPUTE_32F_FAST_16BF;
                mathMode = cublas.CUBLAS_DEFAULT_MATH;
                break;
            default:
                computeType = cublas.CUBLAS_COMPUTE_32F;
                mathMode = cublas.CUBLAS_DEFAULT_MATH;
        }
        synchronized (this) {
            device.makeCurrent();
            CudaException.checkBlas(cublas.cublasSetMathMode(handle, mathMode), "cublasSetMathMode");
            try (FloatPointer alphaHost = new FloatPointer(1).put(alpha); FloatPointer betaHost = new FloatPointer(1).put(beta)) {
                // The swap: column-major Cᵀ (n×m) = op(B)ᵀ (n×k) · op(A)ᵀ (k×m).
                CudaException.checkBlas(cublas.cublasGemmEx(handle,
                        transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
                        transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
                        n, m, k, alphaHost,
                        CudaDevice.pointer(b, bOff), cudart.CUDA_R_32F, ldb,
                        CudaDevice.pointer(a, aOff), cudart.CUDA_R_32F, lda,
                        betaHost,
                        CudaDevice.pointer(c, cOff), cudart.CUDA_R_32F, ldc,
                        computeType, cublas.CUBLAS_GEMM_DEFAULT),
                        "cublasGemmEx(" + precision + ", m=" + m + ", n=" + n + ", k=" + k + ")");
            }
        }
    }

    public CudaDevice device() {
        return device;
    }

    /** Elements from the first to the last of a rows×cols row-major matrix with row stride ld. */
    private static int span(int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) return 0;
        return Math.toIntExact((long) (rows - 1) * ld + cols);
    }

    private static void checkShape(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("sgemm sizes m=" + m + ", n=" + n + ", k=" + k + " must be ≥ 0");
        int aCols = transA ? m : k, bCols = transB ? k : n;
        if (lda < Math.max(1, aCols)) throw new IllegalArgumentException("sgemm lda=" + lda + " < " + aCols + " (columns of the stored A)");
        if (ldb < Math.max(1, bCols)) throw new IllegalArgumentException("sgemm ldb=" + ldb + " < " + bCols + " (columns of the stored B)");
        if (ldc < Math.max(1, n)) throw new IllegalArgumentException("sgemm ldc=" + ldc + " < n=" + n);
    }

    private static void checkHost(String name, float[] array, int offset, int span) {
        if (offset < 0 || (long) offset + span > array.length) {
            throw new IndexOutOfBoundsException("sgemm " + name + ": " + span + " elements from offset " + offset
                    + " do not fit an array of " + array.length);
        }
    }

    private static void checkDevice(String name, DeviceBuffer buffer, long offset, int span) {
        if (offset < 0 || offset + span > buffer.floats()) {
            throw new IndexOutOfBoundsException("sgemm " + name + ": " + span + " elements from offset " + offset
                    + " do not fit a device buffer of " + buffer.floats() + " floats");
        }
    }
}
