package io.ringtrain.engine.functional;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkersTest {
    @Test
    void everyItemRunsExactlyOnceInContiguousRanges() {
        int count = 1001;
        AtomicIntegerArray seen = new AtomicIntegerArray(count);
        Workers.forRange(count, 1 << 20, (chunk, start, end) -> {
            assertTrue(chunk >= 0 && chunk < Workers.threads() && start < end, "chunk " + chunk + " [" + start + ", " + end + ")");
            for (int i = start; i < end; i++) seen.incrementAndGet(i);
        });
        for (int i = 0; i < count; i++) assertEquals(1, seen.get(i), "item " + i);
    }

    @Test
    void nestedCallsCompleteWithoutDeadlock() {
        AtomicIntegerArray seen = new AtomicIntegerArray(64);
        Workers.forRange(8, 1 << 20, (outer, s, e) -> {
            for (int i = s; i < e; i++) {
                int row = i;
                Workers.forRange(8, 1 << 20, (inner, s2, e2) -> {
                    for (int j = s2; j < e2; j++) seen.incrementAndGet(row * 8 + j);
                });
            }
        });
        for (int i = 0; i < 64; i++) assertEquals(1, seen.get(i));
    }

    @Test
    void aFailureInAnyRangeIsRethrown() {
        var e = assertThrows(IllegalStateException.class, () -> Workers.forRange(100, 1 << 20, (chunk, s, end) -> {
            if (end == 100) throw new IllegalStateException("last range failed");
        }));
        assertEquals("last range failed", e.getMessage());
    }
}
