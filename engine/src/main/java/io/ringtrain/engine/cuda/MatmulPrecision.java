package io.ringtrain.engine.cuda;

/**
 * How cuBLAS multiplies float32 matrices. Inputs and outputs stay float32 in every mode; the mode
 * chooses what the tensor cores see. Expected norm-wise relative error against a float64 product
 * (unit roundoff u of the compute format, errors growing like √k for random data):
 * FP32 u = 6e-8, TF32 u = 4.9e-4 (10-bit mantissa), BF16 u = 3.9e-3 (7-bit mantissa).
 */
public enum MatmulPrecision {
    /** Plain IEEE float32 FMA (CUBLAS_COMPUTE_32F, no tensor-core down-conversion). */
    FP32,
    /** Inputs rounded to TF32 for the tensor cores, float32 accumulation (CUBLAS_COMPUTE_32F_FAST_TF32). */
    TF32,
    /**
     * cuBLAS may round inputs to bfloat16 for the tensor cores, float32 accumulation
     * (CUBLAS_COMPUTE_32F_FAST_16BF). Measured on an H200 with cuBLAS 13.0 (engine/README-cuda.md): with
     * float32 operands in memory cuBLAS ran TF32-speed kernels with TF32-level error (2.9e-4), not bf16
     * ones; bf16 throughput needs bf16 operands in memory, which this backend does not have yet.
     */
    BF16
}
