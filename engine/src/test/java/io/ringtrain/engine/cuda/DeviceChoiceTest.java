package io.ringtrain.engine.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceChoiceTest {
    private static final CudaRuntime.Availability NO_GPU = CudaRuntime.Availability.unusable("the CUDA driver reports no device");
    private static final CudaRuntime.Availability TWO_GPUS = new CudaRuntime.Availability(true, 2, "2 CUDA device(s)", 13000, 13000);

    @Test
    void parsesEveryDocumentedSpelling() {
        assertEquals(DeviceChoice.CPU, DeviceChoice.parse("cpu"));
        assertEquals(DeviceChoice.CUDA, DeviceChoice.parse(" CUDA "));
        assertEquals(new DeviceChoice(DeviceChoice.Kind.CUDA, 1), DeviceChoice.parse("cuda:1"));
        assertEquals(DeviceChoice.AUTO, DeviceChoice.parse("Auto"));
    }

    @Test
    void rejectsUnknownDevicesNamingTheValueAndTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("tpu"));
        assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().contains("cpu, cuda, cuda:N"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("cuda:x"));
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("cuda:-1"));
    }

    @Test
    void autoWithoutGpuFallsBackToCpuWithExactlyOneNoticeGivingTheReason() {
        List<String> notices = new ArrayList<>();
        Device device = DeviceChoice.AUTO.resolve(NO_GPU, notices::add);
        assertEquals(Device.CPU, device);
        assertEquals(1, notices.size(), "notices: " + notices);
        assertTrue(notices.get(0).contains("the CUDA driver reports no device"), notices.get(0));
        assertTrue(!notices.get(0).contains("\n"), "the notice is one line");
    }

    @Test
    void autoWithGpuTakesItSilently() {
        List<String> notices = new ArrayList<>();
        assertEquals(Device.cuda(0), DeviceChoice.AUTO.resolve(TWO_GPUS, notices::add));
        assertEquals(List.of(), notices);
    }

    @Test
    void explicitCudaWithoutGpuFailsWithTheReasonInsteadOfFallingBack() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DeviceChoice.CUDA.resolve(NO_GPU, s -> { }));
        assertTrue(e.getMessage().contains("the CUDA driver reports no device") && e.getMessage().contains("--device cpu"), e.getMessage());
        IllegalStateException beyond = assertThrows(IllegalStateException.class,
                () -> DeviceChoice.parse("cuda:2").resolve(TWO_GPUS, s -> { }));
        assertTrue(beyond.getMessage().contains("only 2"), beyond.getMessage());
        assertEquals(Device.cuda(1), DeviceChoice.parse("cuda:1").resolve(TWO_GPUS, s -> { }));
    }

    @Test
    void cpuNeverProbesOrNotices() {
        List<String> notices = new ArrayList<>();
        assertEquals(Device.CPU, DeviceChoice.CPU.resolve(TWO_GPUS, notices::add));
        assertEquals(List.of(), notices);
    }

    @Test
    void theProcessProbeNeverThrowsAndExplainsAnUnusableResult() {
        // On a machine without CUDA libraries this is the UnsatisfiedLinkError path; on a GPU machine it is usable.
        CudaRuntime.Availability a = CudaRuntime.availability();
        assertTrue(a.usable() ? a.deviceCount() > 0 : !a.reason().isBlank(), a.toString());
        assertEquals(a.usable(), CudaRuntime.available());
    }
}
