package io.ringtrain.engine.cuda;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaDeviceGpuTest {
    @Test
    void reportsTheDeviceAndRoundTripsFloatsExactly() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        System.out.println("GPU under test: " + gpu + "; " + CudaRuntime.availability().reason() + "; NVRTC " + Nvrtc.version());
        assertFalse(gpu.name().isBlank());
        assertTrue(gpu.computeMajor() >= 7, "CUDA 13 needs compute capability ≥ 7.5: " + gpu);
        float[] host = new float[100_003];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < host.length; i++) host[i] = (float) rng.nextGaussian();
        try (DeviceBuffer d = gpu.upload(host)) {
            float[] back = new float[host.length + 2];
            gpu.copyToHost(d, 0, back, 1, host.length);
            assertEquals(0f, back[0]);
            assertEquals(0f, back[host.length + 1]);
            float[] middle = new float[host.length];
            System.arraycopy(back, 1, middle, 0, host.length);
            assertArrayEquals(host, middle, 0f);
        }
    }

    @Test
    void theAllocatorReusesClosedBlocksOnTheRealDevice() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        DeviceAllocator allocator = gpu.allocator();
        long address;
        try (DeviceBuffer a = gpu.allocateFloats(3_000_001)) {
            address = a.address();
        }
        long mallocsBefore = allocator.stats().driverAllocations();
        try (DeviceBuffer b = gpu.allocateFloats(3_000_000)) {   // same size class
            assertEquals(address, b.address());
            assertEquals(mallocsBefore, allocator.stats().driverAllocations(), "served from the cache: " + allocator.stats());
        }
    }

    @Test
    void anImpossibleAllocationFailsNamingRequestedAndFreeBytesAndLeavesTheDeviceUsable() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        long request = 4L << 50;   // 4 PiB
        DeviceOutOfMemoryError e = assertThrows(DeviceOutOfMemoryError.class, () -> gpu.allocator().allocate(request));
        System.out.println("OOM message: " + e.getMessage());
        assertEquals(request, e.requestedBytes());
        assertTrue(e.freeBytes() > 0 && e.freeBytes() <= gpu.totalMemoryBytes(), "free " + e.freeBytes());
        assertTrue(e.getMessage().contains("requested 4.00 PiB") && e.getMessage().contains(" free of "), e.getMessage());
        try (DeviceBuffer small = gpu.upload(new float[] {1f, 2f, 3f})) {
            assertArrayEquals(new float[] {1f, 2f, 3f}, gpu.download(small), 0f);
        }
    }
}
