package io.ringtrain.engine.cuda;

import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/** Compiles CUDA C source to a cubin for one GPU architecture with NVRTC, at run time. */
final class Nvrtc {
    private Nvrtc() {}

    /**
     * @return the cubin for {@code sm_<major><minor>}; compiling straight to machine code (not PTX)
     *         avoids a driver JIT that may reject PTX newer than the driver
     */
    static byte[] compileToCubin(String source, String programName, int computeMajor, int computeMinor) {
        _nvrtcProgram program = new _nvrtcProgram();
        CudaException.checkNvrtc(nvrtc.nvrtcCreateProgram(program, new BytePointer(source), new BytePointer(programName),
                0, (PointerPointer<?>) null, (PointerPointer<?>) null), "nvrtcCreateProgram(" + programName + ")");
        try {
            String arch = "--gpu-architecture=sm_" + computeMajor + computeMinor;
            try (PointerPointer<BytePointer> options = new PointerPointer<>(arch, "--std=c++17")) {
                int rc = nvrtc.nvrtcCompileProgram(program, 2, options);
                if (rc != nvrtc.NVRTC_SUCCESS) {
                    throw new CudaException("NVRTC could not compile " + programName + " for " + arch + ": "
                            + nvrtc.nvrtcGetErrorString(rc).getString() + "\n" + log(program));
                }
            }
            try (SizeTPointer size = new SizeTPointer(1)) {
                CudaException.checkNvrtc(nvrtc.nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize");
                try (BytePointer cubin = new BytePointer(size.get())) {
                    CudaException.checkNvrtc(nvrtc.nvrtcGetCUBIN(program, cubin), "nvrtcGetCUBIN");
                    byte[] bytes = new byte[Math.toIntExact(size.get())];
                    cubin.get(bytes);
                    return bytes;
                }
            }
        } finally {
            nvrtc.nvrtcDestroyProgram(program);
        }
    }

    /** NVRTC's version as "major.minor". */
    static String version() {
        int[] major = new int[1], minor = new int[1];
        CudaException.checkNvrtc(nvrtc.nvrtcVersion(major, minor), "nvrtcVersion");
        return major[0] + "." + minor[0];
    }

    private static String log(_nvrtcProgram program) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            nvrtc.nvrtcGetProgramLogSize(program, size);
            try (BytePointer log = new BytePointer(size.get())) {
                nvrtc.nvrtcGetProgramLog(program, log);
                return log.getString();
            }
        }
    }
}
