package io.ringtrain.jobs.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterCheckTest {
    @Test
    void missingSlotsFailAsLostCapacityAfterSayingWhatTheWaitIsFor() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        CapacityException e = assertThrows(CapacityException.class,
                () -> ClusterCheck.awaitSlots(() -> 1, 3, 300, 50, new PrintStream(console, true, StandardCharsets.UTF_8), "spark://m:7077"));

        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("waiting for 2 more executor slots (1 of 3 registered)"), printed);
        assertTrue(e.getMessage().contains("offers 1 task slots (master spark://m:7077)"), e.getMessage());
        assertTrue(!RootCause.isBadInput(e), "lost capacity is not bad input");
    }

    @Test
    void slotsThatRegisterWhileWaitingLetTheJobStart() {
        AtomicInteger polls = new AtomicInteger();
        assertDoesNotThrow(() -> ClusterCheck.awaitSlots(() -> polls.incrementAndGet() < 3 ? 1 : 2, 2, 60_000, 10_000,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "spark://m:7077"));
    }
}
