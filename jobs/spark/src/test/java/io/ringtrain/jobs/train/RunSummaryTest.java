package io.ringtrain.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.data.BadRecords;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunSummaryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunSummary everyPart() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("corrupt_image", 2L);
        counts.put("bad_label", 0L);
        BadRecords.Skipped skipped = new BadRecords.Skipped("train", 120, counts, Map.of("corrupt_image", List.of("a.png", "b.png")), "not an image");
        Culprit culprit = new Culprit(1, "2", "10.0.0.2", "allReduce", 40L, "timed out");
        ElasticReplicas.Change shrink = new ElasticReplicas.Change(2, 2, 3, 48, 96, "shrink");
        return RunSummary.of(new ReplicaSummary(28, 3.456, 0.75, 0.5, 0.9, 2)).withSkipped(List.of(skipped)).withAttempts(2, List.of(culprit))
                .withReplicaChanges(3, List.of(shrink)).withDecoding(0.5, 200).withSampleFile("runs/x/sample.txt");
    }

    @Test
    void everyPartOfTheSummaryReadsBackAsWritten() {
        RunSummary summary = everyPart();

        assertEquals(summary, RunSummary.fromJson(summary.toJson(), "summary.json"));
    }

    @Test
    void theFileKeepsItsFieldNamesAndTheSkippedCountsSitBesideTheTotal() throws Exception {
        JsonNode node = JSON.readTree(everyPart().toJson());

        assertEquals(28, node.path("optimizer_steps").asLong());
        assertEquals(3.46, node.path("seconds").asDouble(), 0.0);
        assertEquals(120, node.path("skipped_records").path("train").path("total").asLong());
        assertEquals(2, node.path("skipped_records").path("train").path("corrupt_image").asLong(), node.toString());
        assertEquals("a.png", node.path("skipped_records").path("train").path("examples").path("corrupt_image").get(0).asText());
        assertEquals(40, node.path("failures").get(0).path("sequence").asLong());
        assertEquals("10.0.0.2", node.path("failures").get(0).path("host").asText());
        assertEquals(3, node.path("target_replicas").asInt());
        assertEquals("shrink", node.path("replica_changes").get(0).path("reason").asText());
        assertEquals(96, node.path("replica_changes").get(0).path("global_batch").asInt());
        assertEquals("runs/x/sample.txt", node.path("sample_file").asText());
        assertTrue(node.path("status").isMissingNode(), "a finished run has no status: " + node);
    }

    @Test
    void aFailedJobsSummaryHasNoFiguresItsErrorAndTheLastCulprit() throws Exception {
        Culprit first = new Culprit(0, null, null, null, null, "its executor was lost");
        Culprit last = new Culprit(2, "6", "10.0.0.3", "allReduce", 812L, "timed out");
        RunSummary failed = RunSummary.failed("training failed after 2 attempt(s)").withAttempts(2, List.of(first, last));
        JsonNode node = JSON.readTree(failed.toJson());

        assertTrue(RunSummary.fromJson(failed.toJson(), "summary.json").isFailed());
        assertTrue(node.path("optimizer_steps").isMissingNode(), node.toString());
        assertEquals("failed", node.path("status").asText());
        assertEquals(2, node.path("culprit").path("rank").asInt());
        assertTrue(node.path("failures").get(0).path("sequence").isNull(), "no collective, no sequence: " + node);
        assertEquals(2, node.path("attempts").asInt());
    }

    @Test
    void aSummaryWrittenBeforeTheRecordReadsBack() throws Exception {
        String old = "{\"optimizer_steps\":282,\"seconds\":23.26,\"test_accuracy\":0.865,\"test_loss\":0.4055851469039917,\"hidden_comm_share\":0.925,"
                + "\"replicas\":2,\"skipped_records\":{\"test\":{\"total\":10,\"corrupt_image\":1,\"examples\":{\"corrupt_image\":[\"x.png\"]}}},"
                + "\"attempts\":1,\"failures\":[]}";

        RunSummary summary = RunSummary.fromJson(old, "summary.json");

        assertEquals(0.865, summary.testAccuracy(), 0.0);
        assertEquals(1L, summary.skippedRecords().get("test").counts().get("corrupt_image"));
        assertFalse(summary.isFailed());
        assertEquals(JSON.readTree(old), JSON.readTree(summary.toJson()));
    }

    @Test
    void aSummaryWithAFieldThisVersionDoesNotKnowStillReadsAsAFinishedRun() {
        RunSummary summary = RunSummary.fromJson("{\"optimizer_steps\":4,\"test_accuracy\":0.5,\"test_loss\":1.0,\"stragglers\":[]}", "summary.json");

        assertEquals(4L, summary.optimizerSteps());
        assertFalse(summary.isFailed());
    }

    @Test
    void aFileThatIsNoSummaryIsRefusedNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> RunSummary.fromJson("[1, 2]", "runs/x/summary.json"));
        assertTrue(e.getMessage().startsWith("runs/x/summary.json is not a run summary"), e.getMessage());
    }
}
