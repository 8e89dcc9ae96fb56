package io.ringtrain.engine.cuda;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caching allocator for device memory, in the manner of PyTorch's CUDA caching allocator (much
 * simplified): cudaMalloc/cudaFree synchronise the device and cost tens of microseconds, so a training
 * step that allocates the same activations every iteration should get them from a cache.
 *
 * <p>Requests are rounded up to a <em>size class</em> ({@link #sizeClassOf}); a closed
 * {@link DeviceBuffer} goes on its class's free list and the next request of that class reuses it.
 * When the driver refuses an allocation, every cached block is freed and the allocation retried once;
 * if it still fails, a {@link DeviceOutOfMemoryError} states the requested and free sizes.
 *
 * <p>Thread-safe (one lock); blocks are never split or merged.
 */
public final class DeviceAllocator {
    /** Smallest block: small tensors share nothing, but 512 B keeps every block 128-byte aligned anyway. */
    static final long MIN_BLOCK_BYTES = 512;
    /** Each power-of-two range [2^e, 2^(e+1)) is cut into this many classes, so rounding wastes under 25%. */
    static final int CLASSES_PER_DOUBLING = 4;

    private final DeviceMemory memory;
    private final Map<Long, ArrayDeque<Long>> freeBlocksByClass = new TreeMap<>();
    private long inUseBytes;
    private long cachedBytes;
    private long peakInUseBytes;
    private long cacheHits;
    private long driverAllocations;

    public DeviceAllocator(DeviceMemory memory) {
        this.memory = memory;
    }

    /**
     * The block size that serves a request of {@code bytes}: at least {@link #MIN_BLOCK_BYTES}; above
     * that, {@code bytes} rounded up to a multiple of 2^e / 4 where 2^e < bytes ≤ 2^(e+1).
     */
    public static long sizeClassOf(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("device allocation of " + bytes + " bytes: the size must be positive");
        if (bytes <= MIN_BLOCK_BYTES) return MIN_BLOCK_BYTES;
        int e = 63 - Long.numberOfLeadingZeros(bytes - 1);   // 2^e < bytes <= 2^(e+1)
        long step = (1L << e) / CLASSES_PER_DOUBLING;
        return (bytes + step - 1) / step * step;
    }

    public synchronized DeviceBuffer allocate(long bytes) {
        long block = sizeClassOf(bytes);
        ArrayDeque<Long> free = freeBlocksByClass.get(block);
        long address;
        if (free != null && !free.isEmpty()) {
            address = free.pop();
            cachedBytes -= block;
            cacheHits++;
        } else {
            address = memory.allocate(block);
            if (address == 0) {
                emptyCache();
                address = memory.allocate(block);
            }
            if (address == 0) {
                long freeBytes = memory.freeBytes();
                throw new DeviceOutOfMemoryError(memory.describe() + " is out of memory: requested "
                        + Bytes.format(bytes) + " (block " + Bytes.format(block) + "), the device reports "
                        + Bytes.format(freeBytes) + " free of " + Bytes.format(memory.totalBytes())
                        + "; this process holds " + Bytes.format(inUseBytes) + " in live buffers (cached blocks were"
                        + " already released). Lower the batch size or model size, close buffers no longer"
                        + " needed, or run with --device cpu.", bytes, freeBytes);
            }
            driverAllocations++;
        }
        inUseBytes += block;
        peakInUseBytes = Math.max(peakInUseBytes, inUseBytes);
        return new DeviceBuffer(this, address, bytes, block);
    }

    synchronized void release(DeviceBuffer buffer) {
        if (buffer.released()) {
            throw new IllegalStateException("device buffer of " + Bytes.format(buffer.bytes()) + " closed twice");
        }
        buffer.markReleased();
        inUseBytes -= buffer.blockBytes();
        cachedBytes += buffer.blockBytes();
        freeBlocksByClass.computeIfAbsent(buffer.blockBytes(), k -> new ArrayDeque<>()).push(buffer.addressForRelease());
    }

    /** Gives every cached (unused) block back to the driver. Live buffers are untouched. */
    public synchronized void emptyCache() {
        for (ArrayDeque<Long> blocks : freeBlocksByClass.values()) {
            for (long address : blocks) memory.free(address);
        }
        freeBlocksByClass.clear();
        cachedBytes = 0;
    }

    public synchronized Stats stats() {
        return new Stats(inUseBytes, cachedBytes, peakInUseBytes, cacheHits, driverAllocations);
    }

    /**
     * @param inUseBytes        bytes in live buffers (counted by block size)
     * @param cachedBytes       bytes in closed blocks kept for reuse
     * @param peakInUseBytes    the largest inUseBytes seen
     * @param cacheHits         allocations served from the cache
     * @param driverAllocations allocations that went to the driver (cudaMalloc)
     */
    public record Stats(long inUseBytes, long cachedBytes, long peakInUseBytes, long cacheHits, long driverAllocations) {
        @Override
        public String toString() {
            return "in use " + Bytes.format(inUseBytes) + ", cached " + Bytes.format(cachedBytes) + ", peak "
                    + Bytes.format(peakInUseBytes) + ", " + cacheHits + " cache hits, " + driverAllocations + " cudaMalloc calls";
        }
    }
}
