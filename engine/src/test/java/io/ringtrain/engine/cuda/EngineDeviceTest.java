package io.ringtrain.engine.cuda;

import io.ringtrain.engine.cpu.Gemm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link EngineDevice} without a GPU: which choices install, remove or refuse the GEMM offload. */
class EngineDeviceTest {
    private static final CudaRuntime.Availability NO_GPU = CudaRuntime.Availability.unusable("libcuda.so.1: not found (test)");
    private static final Gemm.GemmOffload MARKER = (ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) -> false;

    private Gemm.GemmOffload before;
    private final List<String> notices = new ArrayList<>();

    @BeforeEach
    void installMarker() {
        before = Gemm.offload();   // a run with -Dringtrain.device=cuda has one; put back afterwards
        Gemm.setOffload(MARKER);
    }

    @AfterEach
    void restore() {
        Gemm.setOffload(before);
    }

    @Test
    void cpuRemovesAnyOffloadSilently() {
        assertEquals(Device.CPU, EngineDevice.use(DeviceChoice.CPU, MatmulPrecision.FP32, 1, NO_GPU, notices::add));
        assertNull(Gemm.offload());
        assertEquals(List.of(), notices);
    }

    @Test
    void autoWithoutGpuRunsOnTheCpuWithOneNoticeNamingTheReason() {
        assertEquals(Device.CPU, EngineDevice.use(DeviceChoice.AUTO, MatmulPrecision.FP32, 1, NO_GPU, notices::add));
        assertNull(Gemm.offload());
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("libcuda.so.1: not found (test)"), notices.get(0));
    }

    @Test
    void cudaWithoutGpuFailsNamingTheReasonAndLeavesTheOffloadAlone() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EngineDevice.use(DeviceChoice.CUDA, MatmulPrecision.FP32, 1, NO_GPU, notices::add));
        assertTrue(e.getMessage().contains("libcuda.so.1: not found (test)"), e.getMessage());
        assertSame(MARKER, Gemm.offload());
    }

    @Test
    void withoutTheSystemPropertyNothingChanges() {
        String saved = System.getProperty(EngineDevice.DEVICE_PROPERTY);
        System.clearProperty(EngineDevice.DEVICE_PROPERTY);
        try {
            assertNull(EngineDevice.useFromSystemProperties());
            assertSame(MARKER, Gemm.offload());
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
