package io.ringtrain.engine.cuda;

/**
 * A device allocation failed even after the allocator gave its cached blocks back to the driver.
 * The message states the requested size, what the device reports free, and what this process holds.
 */
public final class DeviceOutOfMemoryError extends RuntimeException {
    private final long requestedBytes;
    private final long freeBytes;

    public DeviceOutOfMemoryError(String message, long requestedBytes, long freeBytes) {
        super(message);
        this.requestedBytes = requestedBytes;
        this.freeBytes = freeBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }

    public long freeBytes() {
        return freeBytes;
    }
}
