package io.ringtrain.engine.cuda;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocator's bookkeeping against a fake device of fixed capacity (no GPU needed). */
class DeviceAllocatorTest {
    /** A device with {@code capacity} bytes that hands out increasing addresses and counts calls. */
    static final class FakeMemory implements DeviceMemory {
        final long capacity;
        final Map<Long, Long> live = new HashMap<>();
        long used;
        long nextAddress = 0x7f0000000000L;
        int mallocs;
        int frees;

        FakeMemory(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long allocate(long bytes) {
            if (used + bytes > capacity) return 0;
            mallocs++;
            used += bytes;
            long address = nextAddress;
            nextAddress += bytes;
            live.put(address, bytes);
            return address;
        }

        @Override
        public void free(long address) {
            frees++;
            used -= live.remove(address);
        }

        @Override
        public long freeBytes() {
            return capacity - used;
        }

        @Override
        public long totalBytes() {
            return capacity;
        }

        @Override
        public String describe() {
            return "fake device";
        }
    }

    @Test
    void sizeClassesCoverTheRequestWastingUnderAQuarter() {
        assertEquals(512, DeviceAllocator.sizeClassOf(1));
        assertEquals(512, DeviceAllocator.sizeClassOf(512));
        assertEquals(640, DeviceAllocator.sizeClassOf(513));          // 512 + 512/4
        assertEquals(1024, DeviceAllocator.sizeClassOf(1024));
        assertEquals(1280, DeviceAllocator.sizeClassOf(1025));
        assertEquals(256L << 20, DeviceAllocator.sizeClassOf(256L << 20));   // an 8192² float matrix fits exactly
        long previous = 0;
        for (long bytes = 1; bytes < (1L << 40); bytes = bytes * 3 / 2 + 7) {
            long cls = DeviceAllocator.sizeClassOf(bytes);
            assertTrue(cls >= bytes, "class " + cls + " below request " + bytes);
            assertTrue(bytes <= 512 || cls < bytes * 1.25, "class " + cls + " wastes ≥ 25% of " + bytes);
            assertEquals(cls, DeviceAllocator.sizeClassOf(cls), "a class size is its own class");
            assertTrue(cls >= previous, "classes grow with the request");
            previous = cls;
        }
        assertThrows(IllegalArgumentException.class, () -> DeviceAllocator.sizeClassOf(0));
    }

    @Test
    void aClosedBufferIsReusedBySameClassRequestsWithoutTheDriver() {
        FakeMemory memory = new FakeMemory(1 << 20);
        DeviceAllocator allocator = new DeviceAllocator(memory);
        DeviceBuffer first = allocator.allocate(1000);
        long address = first.address();
        first.close();
        try (DeviceBuffer second = allocator.allocate(900)) {   // 900 and 1000 share the 1024 class
            assertEquals(address, second.address());
            assertEquals(1, memory.mallocs);
            assertEquals(900, second.bytes());
            DeviceAllocator.Stats s = allocator.stats();
            assertEquals(1, s.cacheHits());
            assertEquals(1024, s.inUseBytes());
            assertEquals(0, s.cachedBytes());
        }
        try (DeviceBuffer other = allocator.allocate(5000)) {
            assertNotEquals(address, other.address(), "a different class never gets the cached 1024 block");
            assertEquals(2, memory.mallocs);
        }
        assertEquals(1024 + 5120, allocator.stats().cachedBytes());
        allocator.emptyCache();
        assertEquals(0, memory.used, "emptyCache returns every cached block to the driver");
        assertEquals(0, allocator.stats().cachedBytes());
        assertEquals(5120, allocator.stats().peakInUseBytes(), "the two buffers were never live together");
    }

    @Test
    void aRefusedAllocationFreesTheCacheAndRetries() {
        FakeMemory memory = new FakeMemory(4096);
        DeviceAllocator allocator = new DeviceAllocator(memory);
        allocator.allocate(3000).close();   // 3072 cached
        try (DeviceBuffer big = allocator.allocate(2048)) {   // needs the cached block's memory
            assertTrue(big.address() != 0);
            assertEquals(1, memory.frees);
            assertEquals(0, allocator.stats().cachedBytes());
        }
    }

    @Test
    void outOfMemoryStatesRequestedAndFreeBytes() {
        FakeMemory memory = new FakeMemory(64L << 20);
        DeviceAllocator allocator = new DeviceAllocator(memory);
        try (DeviceBuffer held = allocator.allocate(48L << 20)) {
            DeviceOutOfMemoryError e = assertThrows(DeviceOutOfMemoryError.class, () -> allocator.allocate(32L << 20));
            assertEquals(32L << 20, e.requestedBytes());
            assertEquals(16L << 20, e.freeBytes());
            assertTrue(e.getMessage().contains("requested 32.00 MiB"), e.getMessage());
            assertTrue(e.getMessage().contains("16.00 MiB free of 64.00 MiB"), e.getMessage());
            assertTrue(e.getMessage().contains("48.00 MiB in live buffers"), e.getMessage());
            assertTrue(e.getMessage().startsWith("fake device"), e.getMessage());
        }
    }

    @Test
    void closingTwiceOrUsingAfterCloseIsAnError() {
        DeviceAllocator allocator = new DeviceAllocator(new FakeMemory(1 << 20));
        DeviceBuffer buffer = allocator.allocate(100);
        buffer.close();
        assertThrows(IllegalStateException.class, buffer::close);
        assertThrows(IllegalStateException.class, buffer::address);
    }
}
