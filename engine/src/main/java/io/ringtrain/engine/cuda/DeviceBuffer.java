package io.ringtrain.engine.cuda;

/**
 * A block of device memory from a {@link DeviceAllocator}. Its owner closes it (try-with-resources),
 * which returns the block to the allocator's cache, not to the driver.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final DeviceAllocator allocator;
    private final long address;
    private final long requestedBytes;
    private final long blockBytes;
    private boolean released;

    DeviceBuffer(DeviceAllocator allocator, long address, long requestedBytes, long blockBytes) {
        this.allocator = allocator;
        this.address = address;
        this.requestedBytes = requestedBytes;
        this.blockBytes = blockBytes;
    }

    /** The device address; valid until {@link #close()}. */
    public long address() {
        if (released) throw new IllegalStateException("device buffer of " + Bytes.format(requestedBytes) + " used after close()");
        return address;
    }

    /** Bytes asked for; the block behind it may be larger (its size class). */
    public long bytes() {
        return requestedBytes;
    }

    public long blockBytes() {
        return blockBytes;
    }

    /** How many float32 values fit in the requested size. */
    public long floats() {
        return requestedBytes / Float.BYTES;
    }

    /** The address without the use-after-close check, for the allocator taking the block back. */
    long addressForRelease() {
        return address;
    }

    boolean released() {
        return released;
    }

    void markReleased() {
        released = true;
    }

    @Override
    public void close() {
        allocator.release(this);
    }
}
