package io.ringtrain.engine.cuda;

import io.ringtrain.engine.cpu.Gemm;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Puts a {@code --device} choice into effect for the engine. Today that means the GEMM offload:
 * {@code cpu} removes any offload, {@code cuda[:N]} installs a {@link CudaGemmOffload} on that GPU (and
 * fails naming the reason when CUDA is unusable), {@code auto} installs it when a GPU is usable and
 * otherwise stays on the CPU with one notice line. Model code is unchanged: every layer whose work is
 * {@link Gemm#sgemm} (Linear, Conv2d's im2col GEMMs, attention's batched matmuls, LSTM projections)
 * then runs those GEMMs on the GPU; element-wise ops, normalisation, pooling, softmax and the optimizer
 * stay on the CPU.
 *
 * <p>System properties for runs without a CLI (tests, benchmarks): {@code ringtrain.device}
 * ({@code cpu|cuda|cuda:N|auto}), {@code ringtrain.gemm.precision} ({@code fp32} default, {@code tf32},
 * {@code bf16}), {@code ringtrain.gemm.offloadMinWork} (m·n·k threshold, default 2²¹; 1 = every GEMM).
 */
public final class EngineDevice {
    public static final String DEVICE_PROPERTY = "ringtrain.device";
    public static final String PRECISION_PROPERTY = "ringtrain.gemm.precision";
    public static final String MIN_WORK_PROPERTY = "ringtrain.gemm.offloadMinWork";

    private EngineDevice() {}

    /** {@link #use(DeviceChoice, MatmulPrecision, long)} with FP32 and the default threshold. */
    public static Device use(DeviceChoice choice) {
        return use(choice, MatmulPrecision.FP32, CudaGemmOffload.DEFAULT_MIN_WORK);
    }

    public static Device use(DeviceChoice choice, MatmulPrecision precision, long minWork) {
        return use(choice, precision, minWork, CudaRuntime.availability(), System.err::println);
    }

    /** Resolves {@code choice} against {@code cuda} (see {@link DeviceChoice#resolve}) and installs or removes the offload. */
    static Device use(DeviceChoice choice, MatmulPrecision precision, long minWork,
                      CudaRuntime.Availability cuda, Consumer<String> notices) {
        Device device = choice.resolve(cuda, notices);
        Gemm.setOffload(device.isCuda() ? new CudaGemmOffload(CudaDevice.get(device), precision, minWork) : null);
        return device;
    }

    /**
     * Applies {@code -Dringtrain.device=...} (with the precision and threshold properties) when it is set;
     * returns the device, or null when the property is absent (then nothing changes).
     */
    public static Device useFromSystemProperties() {
        String device = System.getProperty(DEVICE_PROPERTY);
        if (device == null || device.isBlank()) return null;
        String precision = System.getProperty(PRECISION_PROPERTY, "fp32").trim().toUpperCase(Locale.ROOT);
        MatmulPrecision p;
        try {
            p = MatmulPrecision.valueOf(precision);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PRECISION_PROPERTY + "=" + precision + " is not one of fp32, tf32, bf16");
        }
        String minWork = System.getProperty(MIN_WORK_PROPERTY, Long.toString(CudaGemmOffload.DEFAULT_MIN_WORK));
        long w;
        try {
            w = Long.parseLong(minWork.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + MIN_WORK_PROPERTY + "=" + minWork + " is not a whole number of multiply-adds");
        }
        return use(DeviceChoice.parse(device), p, w);
    }

    /** The installed CUDA offload, or null when GEMMs run on the CPU. */
    public static CudaGemmOffload installedOffload() {
        return Gemm.offload() instanceof CudaGemmOffload o ? o : null;
    }
}
