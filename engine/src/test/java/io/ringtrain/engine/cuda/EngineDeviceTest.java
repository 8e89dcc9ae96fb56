package io.ringtrain.engine.cuda;

import io.ringtrain.engine.backend.Backend;
import io.ringtrain.engine.backend.CpuBackend;
import io.ringtrain.engine.backend.Placement;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link EngineDevice} without a GPU: which backend each choice gives, or why it refuses; none touches the process. */
class EngineDeviceTest {
    private static final CudaRuntime.Availability NO_GPU = CudaRuntime.Availability.unusable("libcuda.so.1: not found (test)");

    private final List<String> notices = new ArrayList<>();

    @Test
    void cpuGivesTheCpuBackendSilently() {
        Backend before = Placement.processDefault();
        assertSame(CpuBackend.INSTANCE, EngineDevice.backend(DeviceChoice.CPU, MatmulPrecision.FP32, 1, NO_GPU, notices::add));
        assertEquals(List.of(), notices);
        assertSame(before, Placement.processDefault(), "choosing a backend installs nothing");
    }

    @Test
    void autoWithoutGpuRunsOnTheCpuWithOneNoticeNamingTheReason() {
        assertSame(CpuBackend.INSTANCE, EngineDevice.backend(DeviceChoice.AUTO, MatmulPrecision.FP32, 1, NO_GPU, notices::add));
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("libcuda.so.1: not found (test)"), notices.get(0));
    }

    @Test
    void cudaWithoutGpuFailsNamingTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EngineDevice.backend(DeviceChoice.CUDA, MatmulPrecision.FP32, 1, NO_GPU, notices::add));
        assertTrue(e.getMessage().contains("libcuda.so.1: not found (test)"), e.getMessage());
    }

    @Test
    void withoutTheSystemPropertyThereIsNoBackend() {
        String saved = System.getProperty(EngineDevice.DEVICE_PROPERTY);
        System.clearProperty(EngineDevice.DEVICE_PROPERTY);
        try {
            assertNull(EngineDevice.backendFromSystemProperties());
        } finally {
            if (saved != null) System.setProperty(EngineDevice.DEVICE_PROPERTY, saved);
        }
    }

    @Test
    void aThresholdBelowOneIsRefused() {
        // Checked before the device is touched, so it fails the same with or without a GPU.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CudaGemmOffload(null, MatmulPrecision.FP32, 0));
        assertTrue(e.getMessage().contains("minWork 0"), e.getMessage());
    }
}
