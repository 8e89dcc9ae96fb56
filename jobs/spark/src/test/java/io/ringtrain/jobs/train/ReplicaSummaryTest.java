package io.ringtrain.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaSummaryTest {
    @Test
    void theSummaryIsJsonWithItsFieldsInOrderAndRoundedAsTheRunSummaryShowsThem() throws Exception {
        String json = new ReplicaSummary(94, 12.3456, 0.8125, 0.53125, 0.87654, 2).toJson();

        JsonNode node = new ObjectMapper().readTree(json);
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("optimizer_steps", "seconds", "test_accuracy", "test_loss", "hidden_comm_share", "replicas"), names);
        assertEquals(94, node.get("optimizer_steps").asLong());
        assertEquals(12.35, node.get("seconds").asDouble(), 0.0);
        assertEquals(0.877, node.get("hidden_comm_share").asDouble(), 0.0);
        assertEquals(0.8125, new TrainJob.Summary(RunSummary.fromJson(json, "summary.json"), "runs/x", 1).testAccuracy(), 0.0, "read back by the job's summary");
    }

    @Test
    void withoutTestDataTheTestFiguresAreNull() throws Exception {
        JsonNode node = new ObjectMapper().readTree(new ReplicaSummary(4, 1, null, null, 0, 1).toJson());

        assertTrue(node.get("test_accuracy").isNull());
        assertTrue(node.get("test_loss").isNull());
    }
}
