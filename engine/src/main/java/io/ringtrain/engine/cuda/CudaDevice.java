package io.ringtrain.engine.cuda;

import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

import java.util.HashMap;
import java.util.Map;

/**
 * One CUDA device as the engine uses it: its properties, its {@link DeviceAllocator}, host↔device
 * copies of float arrays, and (created on first use) its cuBLAS handle and NVRTC-compiled kernels.
 * One instance per ordinal per process ({@link #get}); every entry point makes the device current on
 * the calling thread first, since CUDA's current device is per thread.
 */
public final class CudaDevice {
    private static final Map<Integer, CudaDevice> DEVICES = new HashMap<>();

    private final int ordinal;
    private final String name;
    private final int computeMajor;
    private final int computeMinor;
    private final int multiprocessors;
    private final long totalMemoryBytes;
    private final DeviceAllocator allocator;
    private CudaBlas blas;
    private CudaKernels kernels;

    private CudaDevice(int ordinal) {
        this.ordinal = ordinal;
        CudaException.checkRuntime(cudart.cudaSetDevice(ordinal), "cudaSetDevice(" + ordinal + ")");
        try (cudaDeviceProp props = new cudaDeviceProp()) {
            CudaException.checkRuntime(cudart.cudaGetDeviceProperties(props, ordinal), "cudaGetDeviceProperties(" + ordinal + ")");
            this.name = props.name().getString();
            this.computeMajor = props.major();
            this.computeMinor = props.minor();
            this.multiprocessors = props.multiProcessorCount();
            this.totalMemoryBytes = props.totalGlobalMem();
        }
        this.allocator = new DeviceAllocator(new CudaMalloc());
    }

    /** CUDA device {@code ordinal}; fails with the probe's reason when CUDA is not usable. */
    public static synchronized CudaDevice get(int ordinal) {
        CudaRuntime.Availability cuda = CudaRuntime.availability();
        if (!cuda.usable()) throw new IllegalStateException("no usable CUDA device (" + cuda.reason() + "); use --device cpu");
        if (ordinal < 0 || ordinal >= cuda.deviceCount()) {
            throw new IllegalArgumentException("CUDA device " + ordinal + " does not exist: " + cuda.deviceCount() + " visible");
        }
        return DEVICES.computeIfAbsent(ordinal, CudaDevice::new);
    }

    public static CudaDevice get(Device device) {
        if (!device.isCuda()) throw new IllegalArgumentException("device " + device + " is not a CUDA device");
        return get(device.ordinal());
    }

    /** Makes this device current on the calling thread. */
    public void makeCurrent() {
        CudaException.checkRuntime(cudart.cudaSetDevice(ordinal), "cudaSetDevice(" + ordinal + ")");
    }

    public DeviceBuffer allocateFloats(long count) {
        makeCurrent();
        return allocator.allocate(count * Float.BYTES);
    }

    /** Copies {@code host[offset, offset + count)} into a new device buffer. */
    public DeviceBuffer upload(float[] host, int offset, int count) {
        DeviceBuffer buffer = allocateFloats(count);
        try {
            copyToDevice(host, offset, buffer, 0, count);
        } catch (RuntimeException e) {
            buffer.close();
            throw e;
        }
        return buffer;
    }

    public DeviceBuffer upload(float[] host) {
        return upload(host, 0, host.length);
    }

    public void copyToDevice(float[] host, int hostOffset, DeviceBuffer device, long deviceOffset, int count) {
        checkRange(device, deviceOffset, count);
        if (count == 0) return;
        makeCurrent();
        try (FloatPointer staging = new FloatPointer(count)) {
            staging.put(host, hostOffset, count);
            CudaException.checkRuntime(cudart.cudaMemcpy(pointer(device, deviceOffset), staging, (long) count * Float.BYTES,
                    cudart.cudaMemcpyHostToDevice), "cudaMemcpy host→device of " + count + " floats");
        }
    }

    public void copyToHost(DeviceBuffer device, long deviceOffset, float[] host, int hostOffset, int count) {
        checkRange(device, deviceOffset, count);
        if (count == 0) return;
        makeCurrent();
        try (FloatPointer staging = new FloatPointer(count)) {
            CudaException.checkRuntime(cudart.cudaMemcpy(staging, pointer(device, deviceOffset), (long) count * Float.BYTES,
                    cudart.cudaMemcpyDeviceToHost), "cudaMemcpy device→host of " + count + " floats");
            staging.get(host, hostOffset, count);
        }
    }

    public float[] download(DeviceBuffer device) {
        float[] host = new float[Math.toIntExact(device.floats())];
        copyToHost(device, 0, host, 0, host.length);
        return host;
    }

    /** Fills the buffer with NaN (bit pattern 0xFFFFFFFF), so that a test sees any element a kernel failed to write. */
    public void fillNaN(DeviceBuffer device) {
        makeCurrent();
        CudaException.checkDriver(cudart.cuMemsetD32(device.address(), 0xFFFFFFFF, device.floats()), "cuMemsetD32");
    }

    public void synchronize() {
        makeCurrent();
        CudaException.checkRuntime(cudart.cudaDeviceSynchronize(), "cudaDeviceSynchronize on device " + ordinal);
    }

    /** A JavaCPP pointer to float {@code floatOffset} of the buffer. */
    static Pointer pointer(DeviceBuffer buffer, long floatOffset) {
        return new DevicePointer(buffer.address() + floatOffset * Float.BYTES);
    }

    private static void checkRange(DeviceBuffer device, long deviceOffset, int count) {
        if (deviceOffset < 0 || count < 0 || deviceOffset + count > device.floats()) {
            throw new IndexOutOfBoundsException("copy of " + count + " floats at offset " + deviceOffset
                    + " does not fit a device buffer of " + device.floats() + " floats");
        }
    }

    public synchronized CudaBlas blas() {
        if (blas == null) blas = new CudaBlas(this);
        return blas;
    }

    public synchronized CudaKernels kernels() {
        if (kernels == null) kernels = new CudaKernels(this);
        return kernels;
    }

    public DeviceAllocator allocator() {
        return allocator;
    }

    public int ordinal() {
        return ordinal;
    }

    public String name() {
        return name;
    }

    public int computeMajor() {
        return computeMajor;
    }

    public int computeMinor() {
        return computeMinor;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    public long totalMemoryBytes() {
        return totalMemoryBytes;
    }

    @Override
    public String toString() {
        return "CUDA device " + ordinal + " (" + name + ", compute " + computeMajor + "." + computeMinor + ", "
                + multiprocessors + " SMs, " + Bytes.format(totalMemoryBytes) + ")";
    }

    /** cudaMalloc/cudaFree behind the allocator. */
    private final class CudaMalloc implements DeviceMemory {
        @Override
        public long allocate(long bytes) {
            makeCurrent();
            Pointer p = new Pointer();
            int rc = cudart.cudaMalloc(p, bytes);
            if (rc == cudart.cudaErrorMemoryAllocation) {
                cudart.cudaGetLastError();   // reset the last-error state so the next check does not report this OOM
                return 0;
            }
            CudaException.checkRuntime(rc, "cudaMalloc(" + Bytes.format(bytes) + ") on device " + ordinal);
            return p.address();
        }

        @Override
        public void free(long address) {
            makeCurrent();
            CudaException.checkRuntime(cudart.cudaFree(new DevicePointer(address)), "cudaFree on device " + ordinal);
        }

        @Override
        public long freeBytes() {
            makeCurrent();
            try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
                CudaException.checkRuntime(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
                return free.get();
            }
        }

        @Override
        public long totalBytes() {
            return totalMemoryBytes;
        }

        @Override
        public String describe() {
            return "CUDA device " + ordinal + " (" + name + ")";
        }
    }
}
