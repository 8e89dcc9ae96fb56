package io.ringtrain.jobs.train;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watch is driven by explicit clock readings: no sleeps, no timing. */
class SlotWatchTest {
    private static final long WAIT = 10_000;

    @Test
    void slotsShortForTheWholeWaitCancelTheAttemptNamingTheMissingSlots() {
        List<String> cancelled = new ArrayList<>();
        SlotWatch watch = new SlotWatch(() -> 1, 2, 2, WAIT, "spark://10.78.0.1:7077", cancelled::add);

        watch.check(1_000);
        watch.check(1_000 + WAIT - 1);
        assertTrue(cancelled.isEmpty(), "cancelled before the wait was over: " + cancelled);
        watch.check(1_000 + WAIT);

        assertEquals(1, cancelled.size());
        assertTrue(watch.shortfall().getMessage().contains("needs 2 tasks running at once (one per replica) but the cluster offers 1 task slots (master spark://10.78.0.1:7077) after waiting 10 s"),
                watch.shortfall().getMessage());
        assertEquals(watch.shortfall().getMessage(), cancelled.get(0), "the cancelled jobs carry the same reason");
        watch.check(1_000 + 2 * WAIT);
        assertEquals(1, cancelled.size(), "cancels once");
    }

    @Test
    void slotsThatComeBackWithinTheWaitStartItAgain() {
        AtomicInteger offered = new AtomicInteger(1);
        List<String> cancelled = new ArrayList<>();
        SlotWatch watch = new SlotWatch(offered::get, 2, 2, WAIT, "spark://m:7077", cancelled::add);

        watch.check(0);
        offered.set(2);
        watch.check(WAIT - 1);
        offered.set(1);
        watch.check(WAIT);
        watch.check(2 * WAIT - 2);

        assertTrue(cancelled.isEmpty(), "the wait restarts when the slots return: " + cancelled);
        assertNull(watch.shortfall());
    }

    @Test
    void enoughSlotsNeverCancel() {
        List<String> cancelled = new ArrayList<>();
        SlotWatch watch = new SlotWatch(() -> 3, 2, 2, 0, "spark://m:7077", cancelled::add);

        watch.check(0);
        watch.check(WAIT);

        assertTrue(cancelled.isEmpty());
        assertNull(watch.shortfall());
    }

    @Test
    void aJobThatMayShrinkIsCancelledWithAReasonThatSaysItGoesOnInsteadOfAskingForFewerReplicas() {
        List<String> cancelled = new ArrayList<>();
        SlotWatch watch = new SlotWatch(() -> 2, 3, 2, WAIT, "spark://10.78.0.1:7077", cancelled::add);

        watch.check(0);
        watch.check(WAIT);

        assertEquals(1, cancelled.size());
        assertTrue(cancelled.get(0).contains("this attempt's 3 replicas had 2 task slots for 10 s (master spark://10.78.0.1:7077)"), cancelled.get(0));
        assertTrue(cancelled.get(0).contains("goes on with the replicas the cluster offers (--min-replicas 2)"), cancelled.get(0));
        assertFalse(cancelled.get(0).contains("lower --replicas"), cancelled.get(0));
        assertNotNull(watch.shortfall(), "the attempt still records that it was cut short");
    }
}
