package io.ringtrain.engine.cuda;

import io.ringtrain.engine.backend.Backend;
import io.ringtrain.engine.backend.CpuBackend;
import io.ringtrain.engine.backend.Placement;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Turns a {@code --device} choice into the {@link Backend} a replica runs on; the replica binds it with
 * {@link Placement#bind}. Today a device backend means the GEMM offload: {@code cpu} gives the CPU backend,
 * {@code cuda[:N]} a {@link CudaGemmOffload} on that GPU (and fails naming the reason when CUDA is unusable),
 * {@code auto} the offload when a GPU is usable and otherwise the CPU with one notice line. Model code is
 * unchanged: every layer that hands its GEMMs to its backend (Linear, Conv2d's im2col GEMMs, attention's
 * batched matmuls, LSTM projections) then runs those GEMMs on the GPU; element-wise ops, normalisation,
 * pooling, softmax and the optimizer stay on the CPU.
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

    /** {@link #backend(DeviceChoice, MatmulPrecision, long)} with FP32 and the default threshold. */
    public static Backend backend(DeviceChoice choice) {
        return backend(choice, MatmulPrecision.FP32, CudaGemmOffload.DEFAULT_MIN_WORK);
    }

    /** {@code cpu} never probes CUDA (no native library is loaded); the other choices do. */
    public static Backend backend(DeviceChoice choice, MatmulPrecision precision, long minWork) {
        if (choice.kind() == DeviceChoice.Kind.CPU) return CpuBackend.INSTANCE;
        return backend(choice, precision, minWork, CudaRuntime.availability(), System.err::println);
    }

    /** Resolves {@code choice} against {@code cuda} (see {@link DeviceChoice#resolve}); a new offload for each CUDA choice. */
    static Backend backend(DeviceChoice choice, MatmulPrecision precision, long minWork,
                           CudaRuntime.Availability cuda, Consumer<String> notices) {
        Device device = choice.resolve(cuda, notices);
        return device.isCuda() ? new CudaGemmOffload(CudaDevice.get(device), precision, minWork) : CpuBackend.INSTANCE;
    }

    /**
     * The backend {@code -Dringtrain.device=...} (with the precision and threshold properties) names, or null
     * when the property is absent. For harnesses without a replica, which make it {@link Placement#setProcessDefault}.
     */
    public static Backend backendFromSystemProperties() {
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
        return backend(DeviceChoice.parse(device), p, w);
    }
}
