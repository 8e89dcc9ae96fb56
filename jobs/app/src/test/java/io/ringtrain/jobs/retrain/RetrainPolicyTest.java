package io.ringtrain.jobs.retrain;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrainPolicyTest {
    private static final LocalDate D1 = LocalDate.parse("2024-03-01"), D2 = LocalDate.parse("2024-03-02"), D3 = LocalDate.parse("2024-03-03");

    @Test
    void newSinceLastPicksEveryUnprocessedPartitionOldestFirst() {
        RetrainPolicy policy = RetrainPolicy.parse("new-since-last");
        assertEquals(List.of(D2, D3), policy.select(List.of(D3, D1, D2), Set.of(D1)));
    }

    @Test
    void newSinceLastIsEmptyWhenEverythingWasProcessed() {
        assertTrue(RetrainPolicy.parse("new-since-last").select(List.of(D1, D2), Set.of(D1, D2)).isEmpty());
    }

    @Test
    void windowPicksTheNewestKPartitionsWhateverWasProcessed() {
        RetrainPolicy policy = RetrainPolicy.parse("window:2");
        assertEquals(List.of(D2, D3), policy.select(List.of(D1, D3, D2), Set.of(D1, D2, D3)));
        assertEquals(List.of(D1), RetrainPolicy.parse("window:5").select(List.of(D1), Set.of()));
        assertEquals("window:2", policy.toString());
    }

    @Test
    void malformedPoliciesAreRejectedWithTheAcceptedForms() {
        for (String bad : new String[] {"window:0", "window:x", "latest"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RetrainPolicy.parse(bad));
            assertTrue(e.getMessage().contains(bad) && e.getMessage().contains("window:K"), e.getMessage());
        }
    }

    @Test
    void runKeysNameThePartitionsAndDifferForDifferentSets() {
        String one = RetrainJob.runKey(List.of(D1, D2));
        assertTrue(one.startsWith("2024-03-01_2024-03-02-n2-"), one);
        assertEquals(one, RetrainJob.runKey(List.of(D1, D2)));
        assertTrue(!one.equals(RetrainJob.runKey(List.of(D1, D3))));
    }
}
