package io.ringtrain.engine.cuda;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/** A CUDA, cuBLAS or NVRTC call returned an error; the message names the call and the error. */
public final class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }

    /** Checks a CUDA runtime (cudaXxx) status. */
    static void checkRuntime(int status, String call) {
        if (status != cudart.cudaSuccess) throw new CudaException(call + " failed: " + runtimeErrorName(status));
    }

    /** Checks a CUDA driver (cuXxx) status. */
    static void checkDriver(int status, String call) {
        if (status == cudart.CUDA_SUCCESS) return;
        String name = "unknown error";
        try (PointerPointer<BytePointer> text = new PointerPointer<>(1)) {
            if (cudart.cuGetErrorString(status, text) == cudart.CUDA_SUCCESS) {
                BytePointer s = text.get(BytePointer.class, 0);
                if (s != null && !s.isNull()) name = s.getString();
            }
        }
        throw new CudaException(call + " failed: " + name + " (CUresult " + status + ")");
    }

    static void checkBlas(int status, String call) {
        if (status == cublas.CUBLAS_STATUS_SUCCESS) return;
        BytePointer text = cublas.cublasGetStatusString(status);
        throw new CudaException(call + " failed: " + (text == null || text.isNull() ? "status " + status : text.getString()));
    }

    static void checkNvrtc(int status, String call) {
        if (status == nvrtc.NVRTC_SUCCESS) return;
        BytePointer text = nvrtc.nvrtcGetErrorString(status);
        throw new CudaException(call + " failed: " + (text == null || text.isNull() ? "status " + status : text.getString()));
    }

    static String runtimeErrorName(int status) {
        BytePointer text = cudart.cudaGetErrorString(status);
        return (text == null || text.isNull() ? "error" : text.getString()) + " (cudaError " + status + ")";
    }
}
