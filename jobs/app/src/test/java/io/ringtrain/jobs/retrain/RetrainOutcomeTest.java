package io.ringtrain.jobs.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrainOutcomeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSummaryCarriesTheFieldsSchedulersActOn() throws Exception {
        RetrainOutcome o = new RetrainOutcome("rejected", "gain too small", "v0003", 0.81, 0.80, "v0002", List.of("2024-03-02"), 10);
        JsonNode n = JSON.readTree(o.toJson());
        assertEquals("rejected", n.path("status").asText());
        assertEquals("v0003", n.path("version").asText());
        assertEquals(0.81, n.path("metric").asDouble(), 0);
        assertEquals(0.80, n.path("champion_metric").asDouble(), 0);
        assertEquals("v0002", n.path("champion").asText());
        assertEquals(10, n.path("exit_code").asInt());
    }

    @Test
    void exitCodesSeparateBadInputFromFailuresAndNoopsFromWork() throws Exception {
        assertEquals(2, RetrainOutcome.failed("no --dataset", true).exitCode());
        assertEquals(1, RetrainOutcome.failed("executor lost", false).exitCode());
        RetrainOutcome noop = RetrainOutcome.noop("nothing new", "v0001", List.of());
        assertEquals(0, noop.exitCode());
        JsonNode n = JSON.readTree(noop.toJson());
        assertTrue(n.path("metric").isNull() && n.path("version").isNull());
    }
}
