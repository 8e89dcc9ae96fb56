package io.ringtrain.engine.cuda;

/**
 * Raw device memory as the driver hands it out: the one thing {@link DeviceAllocator} needs from CUDA,
 * kept as an interface so that the allocator's bookkeeping is testable without a GPU.
 */
public interface DeviceMemory {
    /** Allocates {@code bytes}; returns the device address, or 0 when the device is out of memory. */
    long allocate(long bytes);

    void free(long address);

    /** Bytes the device reports free right now (cudaMemGetInfo). */
    long freeBytes();

    long totalBytes();

    /** For messages: "CUDA device 0 (NVIDIA H100 80GB HBM3)". */
    String describe();
}
