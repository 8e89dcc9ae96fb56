package io.ringtrain.trainer.checkpoint;

import io.ringtrain.trainer.checkpoint.NewestCommonState.Choice;
import io.ringtrain.trainer.checkpoint.NewestCommonState.Offer;
import io.ringtrain.trainer.checkpoint.NewestCommonState.Source;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ringtrain.trainer.checkpoint.NewestCommonState.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NewestCommonStateTest {
    @Test
    void aSnapshotNewerThanTheDurableCheckpointIsSentByTheLowestHolderToTheRanksThatLackIt() {
        Choice c = NewestCommonState.choose(List.of(new Offer(40, NONE, 0), new Offer(40, 57, 0xabc), new Offer(40, 57, 0xabc)));
        assertEquals(Source.SNAPSHOT, c.source());
        assertEquals(57, c.step());
        assertEquals(1, c.sender());
        assertEquals(List.of(0), c.receivers());
    }

    @Test
    void aRankOneStepAheadIsTheSenderOfThatStep() {
        // a rank that completed the all-reduce of step 58 before its peer died holds the correct state of step 58
        Choice c = NewestCommonState.choose(List.of(new Offer(NONE, 57, 0x1), new Offer(NONE, 58, 0x2), new Offer(NONE, 57, 0x1)));
        assertEquals(Source.SNAPSHOT, c.source());
        assertEquals(58, c.step());
        assertEquals(1, c.sender());
        assertEquals(List.of(0, 2), c.receivers());
    }

    @Test
    void whenEveryRankHoldsTheSnapshotNothingIsSent() {
        Choice c = NewestCommonState.choose(List.of(new Offer(NONE, 9, 7), new Offer(NONE, 9, 7)));
        assertEquals(Source.SNAPSHOT, c.source());
        assertEquals(0, c.sender());
        assertTrue(!c.needsBroadcast());
    }

    @Test
    void aDurableCheckpointAsNewAsEverySnapshotWins() {
        Choice c = NewestCommonState.choose(List.of(new Offer(60, 60, 3), new Offer(60, 59, 4)));
        assertEquals(Source.DURABLE, c.source());
        assertEquals(60, c.step());
    }

    @Test
    void nothingAnywhereStartsFresh() {
        Choice c = NewestCommonState.choose(List.of(new Offer(NONE, NONE, 0), new Offer(NONE, NONE, 0)));
        assertEquals(Source.FRESH, c.source());
    }

    @Test
    void snapshotsOfOneStepThatDifferAreNotUsedAndTheChoiceSaysWhy() {
        Choice c = NewestCommonState.choose(List.of(new Offer(20, 33, 0x10), new Offer(20, 33, 0x11)));
        assertEquals(Source.DURABLE, c.source());
        assertEquals(20, c.step());
        assertTrue(c.describe().contains("differ between rank 0 and rank 1"), c.describe());
    }

    @Test
    void ranksThatReadDifferentDurableCheckpointsAreRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NewestCommonState.choose(List.of(new Offer(20, NONE, 0), new Offer(NONE, NONE, 0))));
        assertTrue(e.getMessage().contains("rank 1 at none") && e.getMessage().contains("shares"), e.getMessage());
    }

    @Test
    void offersSurviveTheirWireForm() {
        Offer o = new Offer(NONE, 123456789012L, 0xdeadbeefL);
        assertEquals(o, Offer.fromBytes(o.toBytes()));
    }
}
