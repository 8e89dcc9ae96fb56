package io.ringtrain.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The straggler object of a step line (its rank, host, cause and the figures behind it), and the resume line. */
class JsonLinesMetricsTest {
    private static JsonNode stragglerOf(TrainingListener.Straggler s) throws Exception {
        StringWriter out = new StringWriter();
        new JsonLinesMetrics(out).onStep(new TrainingListener.StepReport(1, 2, 3, 10, 3, 20, 0.5, 0.1, 64, 100, 10, s));
        return new ObjectMapper().readTree(out.toString()).path("straggler");
    }

    @Test
    void aLinkStragglerCarriesItsCauseAndSendStallBesideTheComputeTimes() throws Exception {
        JsonNode s = stragglerOf(new TrainingListener.Straggler(2, "10.0.0.3", TrainingListener.Cause.LINK, 20.04, 21, 412.36, 3.1, 7));
        assertEquals(2, s.path("rank").asInt());
        assertEquals("10.0.0.3", s.path("host").asText());
        assertEquals("link", s.path("cause").asText());
        assertEquals(20.0, s.path("compute_ms").asDouble());
        assertEquals(21.0, s.path("median_ms").asDouble());
        assertEquals(412.4, s.path("send_stall_ms").asDouble());
        assertEquals(3.1, s.path("median_send_stall_ms").asDouble());
        assertEquals(7, s.path("steps").asInt());
    }

    @Test
    void aResumeLineSaysAtWhichStepAndFromWhatTheRunContinued() throws Exception {
        StringWriter out = new StringWriter();
        new JsonLinesMetrics(out).onResume(13, "resuming from the in-memory snapshot at step 13 held by every rank");
        JsonNode line = new ObjectMapper().readTree(out.toString());
        assertEquals("resume", line.path("type").asText());
        assertEquals(13, line.path("global_step").asLong());
        assertEquals("resuming from the in-memory snapshot at step 13 held by every rank", line.path("from").asText());
        assertTrue(out.toString().endsWith("\n"), "one line");
    }

    @Test
    void anEpochLineMarksOnlyTheEpochWhoseAccuracyReachedTheStopTarget() throws Exception {
        StringWriter out = new StringWriter();
        JsonLinesMetrics metrics = new JsonLinesMetrics(out);
        metrics.onEpochEnd(new TrainingListener.EpochReport(1, 3, 0.4, 640, 0.3, 0.88, 12.5, false));
        metrics.onEpochEnd(new TrainingListener.EpochReport(2, 3, 0.3, 640, 0.25, 0.91, 12.5, true));
        var lines = out.toString().lines().map(l -> {
            try {
                return new ObjectMapper().readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertTrue(lines.get(0).path("target_reached").isMissingNode(), lines.get(0).toString());
        assertTrue(lines.get(1).path("target_reached").asBoolean(), lines.get(1).toString());
        assertEquals(0.91, lines.get(1).path("eval_accuracy").asDouble());
    }

    @Test
    void unmeasuredSendStallsAreNull() throws Exception {
        JsonNode s = stragglerOf(new TrainingListener.Straggler(1, null, TrainingListener.Cause.COMPUTE, 180, 100, Double.NaN, Double.NaN, 5));
        assertEquals("compute", s.path("cause").asText());
        assertTrue(s.path("send_stall_ms").isNull() && s.path("median_send_stall_ms").isNull(), s.toString());
    }
}
