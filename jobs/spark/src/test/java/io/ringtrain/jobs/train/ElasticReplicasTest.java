package io.ringtrain.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElasticReplicasTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private static TrainJobConfig config(int replicas, Integer min, int batchSize) {
        TrainJobConfig c = new TrainJobConfig();
        c.input.data = "somewhere";
        c.replicas = replicas;
        c.recovery.minReplicas = min;
        c.batchSize = batchSize;
        c.recovery.slotWaitSeconds = 0;
        return c;
    }

    /** Answers the counts in order, then the last one forever. */
    private static IntSupplier slots(Integer... counts) {
        ArrayDeque<Integer> left = new ArrayDeque<>(List.of(counts));
        return () -> left.size() > 1 ? left.poll() : left.peek();
    }

    private ElasticReplicas elastic(TrainJobConfig config, IntSupplier slots) {
        return new ElasticReplicas(config, slots, false, 10, "spark://m:7077");
    }

    @Test
    void theFullCountIsTakenWheneverTheClusterOffersIt() {
        assertEquals(3, elastic(config(3, 2, 32), slots(5)).await(console));
        assertEquals(3, elastic(config(3, null, 32), slots(3)).await(console));
    }

    @Test
    void withFewerSlotsThanReplicasTheJobGoesOnWithWhatIsOfferedDownToTheMinimum() {
        TrainJobConfig c = config(3, 2, 32);
        c.recovery.elasticWaitSeconds = 0;
        assertEquals(2, elastic(c, slots(2)).await(console));
        CapacityException tooFew = assertThrows(CapacityException.class, () -> elastic(c, slots(1)).await(console));
        assertTrue(tooFew.getMessage().contains("at least 2 tasks") && tooFew.getMessage().contains("--min-replicas 2 of --replicas 3")
                && tooFew.getMessage().contains("offers 1 task slots") && tooFew.getMessage().contains("lower --min-replicas"), tooFew.getMessage());
    }

    @Test
    void slotsThatReturnWithinTheElasticWaitKeepTheFullCountAndTheWaitSaysWhatItWaitsFor() {
        TrainJobConfig c = config(3, 2, 32);
        c.recovery.elasticWaitSeconds = 60;
        assertEquals(3, elastic(c, slots(2, 2, 2, 3)).await(console));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("waiting for 1 more executor slot (2 of 3 registered)"), printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theShortfallNamesTheWaitThatRanNotTheElasticWaitOfAJobWithoutAMinimum() {
        TrainJobConfig fixed = config(3, null, 32);
        fixed.recovery.slotWaitSeconds = 1;
        CapacityException e = assertThrows(CapacityException.class, () -> elastic(fixed, slots(2)).await(console));
        assertTrue(e.getMessage().contains("after waiting 1 s;"), e.getMessage());
        TrainJobConfig elastic = config(3, 2, 32);
        elastic.recovery.elasticWaitSeconds = 1;
        elastic.recovery.slotWaitSeconds = 1;
        CapacityException tooFew = assertThrows(CapacityException.class, () -> elastic(elastic, slots(1)).await(console));
        assertTrue(tooFew.getMessage().contains("after waiting 2 s;"), tooFew.getMessage());
    }

    @Test
    void withoutAMinimumBelowReplicasFewerSlotsAreLostCapacityAsBefore() {
        CapacityException e = assertThrows(CapacityException.class, () -> elastic(config(3, null, 32), slots(2)).await(console));
        assertTrue(e.getMessage().contains("needs 3 tasks running at once (one per replica)") && e.getMessage().contains("lower --replicas in a new --run-dir"),
                e.getMessage());
        assertFalse(RootCause.isBadInput(e), "lost capacity is not bad input");
    }

    @Test
    void aStageOfFewerReplicasKeepsTheGlobalBatchWithLargerBatchesPerReplica() {
        TrainJobConfig c = config(3, 2, 32);
        TrainJobConfig two = ElasticReplicas.stageConfig(c, 2);
        assertEquals(2, two.replicas);
        assertEquals(48, two.batchSize);
        assertEquals(c.replicas * c.batchSize, two.replicas * two.batchSize);
        assertEquals(3, c.replicas, "the job's own settings are left alone");
        assertSame(c, ElasticReplicas.stageConfig(c, 3));
    }

    @Test
    void onlyAStageShortOfReplicasWithGrowOnStopsAtTheEpochBoundary() {
        TrainJobConfig c = config(3, 2, 32);
        assertFalse(elastic(c, slots(3)).pausesToGrow(2), "growing back is opt-in");
        c.recovery.elasticGrow = true;
        assertTrue(elastic(c, slots(3)).pausesToGrow(2));
        assertFalse(elastic(c, slots(3)).pausesToGrow(3));
        assertTrue(ElasticReplicas.isPause(ElasticReplicas.pauseResult(14)));
        assertFalse(ElasticReplicas.isPause("{\"optimizer_steps\":28,\"replicas\":3}"));
    }

    @Test
    void afterAPauseTheNextStageTakesTheSlotsOfferedNow() {
        TrainJobConfig c = config(3, 2, 32);
        assertEquals(3, elastic(c, slots(4)).offeredNow(console));
        assertEquals(2, elastic(c, slots(2)).offeredNow(console));
    }

    @Test
    void everyChangeOfTheReplicaCountIsAMetricsLineAndListedInTheSummary() throws Exception {
        TrainJobConfig c = config(3, 2, 32);
        ElasticReplicas elastic = elastic(c, slots(3));
        assertNull(elastic.change(1, 0, 3, c), "a first stage of every replica is no change");
        RunSummary unchanged = RunSummary.of(new ReplicaSummary(5, 1, null, null, 0, 3));
        assertEquals(unchanged, elastic.withChanges(unchanged));
        JsonNode shrink = new ObjectMapper().readTree(elastic.change(2, 3, 2, c));
        assertEquals("replicas", shrink.path("type").asText());
        assertEquals(2, shrink.path("replicas").asInt());
        assertEquals(48, shrink.path("per_replica_batch").asInt());
        assertEquals(96, shrink.path("global_batch").asInt());
        assertEquals("shrink", shrink.path("reason").asText());
        assertNull(elastic.change(3, 2, 2, c), "the same count again is no change");
        assertEquals("grow", new ObjectMapper().readTree(elastic.change(4, 2, 3, c)).path("reason").asText());

        JsonNode summary = new ObjectMapper().readTree(elastic.withChanges(unchanged).toJson());
        assertEquals(3, summary.path("target_replicas").asInt());
        assertEquals(List.of("shrink", "grow"), List.of(summary.path("replica_changes").get(0).path("reason").asText(),
                summary.path("replica_changes").get(1).path("reason").asText()));
        assertEquals(2, summary.path("replica_changes").get(0).path("attempt").asInt());
        assertTrue(ElasticReplicas.describe(2, c).contains("2 of 3 replicas (48 samples each, global batch 96"), ElasticReplicas.describe(2, c));
        assertEquals("start short", new ObjectMapper().readTree(elastic(c, slots(2)).change(1, 0, 2, c)).path("reason").asText());
    }
}
