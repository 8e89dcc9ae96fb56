package io.ringtrain.jobs.train;

import io.ringtrain.engine.cuda.CudaRuntime;
import io.ringtrain.engine.cuda.Device;
import io.ringtrain.engine.cuda.DeviceChoice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskDeviceTest {
    @Test
    void aTaskTakesTheGpuSparkAssignedToIt() {
        assertEquals(new DeviceChoice(DeviceChoice.Kind.CUDA, 3), TaskDevice.choose(DeviceSetting.parse("cuda"), new String[] {"3"}));
        assertEquals(new DeviceChoice(DeviceChoice.Kind.AUTO, 1), TaskDevice.choose(DeviceSetting.parse("auto"), new String[] {"1", "2"}));
    }

    @Test
    void anExplicitOrdinalAndTheCpuIgnoreTheAssignment() {
        assertEquals(new DeviceChoice(DeviceChoice.Kind.CUDA, 0), TaskDevice.choose(DeviceSetting.parse("cuda:0"), new String[] {"3"}));
        assertEquals(DeviceChoice.CPU, TaskDevice.choose(DeviceSetting.parse("cpu"), new String[] {"3"}));
    }

    @Test
    void withoutAnAssignmentCudaAndAutoMeanGpuZero() {
        assertEquals(DeviceChoice.CUDA, TaskDevice.choose(DeviceSetting.parse("cuda"), null));
        assertEquals(DeviceChoice.AUTO, TaskDevice.choose(DeviceSetting.parse("auto"), new String[0]));
    }

    @Test
    void aGpuAddressThatIsNotAnOrdinalIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskDevice.choose(DeviceSetting.parse("auto"), new String[] {"GPU-5f2e"}));
        assertTrue(e.getMessage().contains("GPU-5f2e") && e.getMessage().contains("cuda:N"), e.getMessage());
    }

    @Test
    void autoWhereCudaIsUnusableRunsOnTheCpuWithOneNotice() {
        List<String> notices = new ArrayList<>();
        CudaRuntime.Availability none = CudaRuntime.Availability.unusable("no CUDA driver (test)");
        Device device = TaskDevice.choose(DeviceSetting.parse("auto"), new String[] {"0"}).resolve(none, notices::add);
        assertEquals(Device.CPU, device);
        assertEquals(1, notices.size(), "exactly one notice line: " + notices);
    }
}
