package io.ringtrain.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metric formulas on small confusion matrices worked out by hand. */
class EvaluationTest {
    /** Adds {@code n} samples labelled {@code actual} and predicted {@code predicted}, with logits that favour the prediction. */
    private static void add(ConfusionCounts counts, int actual, int predicted, int n) {
        float[] logits = new float[counts.classes()];
        logits[predicted] = 1f;
        for (int i = 0; i < n; i++) counts.add(actual, logits, 0, predicted);
    }

    @Test
    void accuracyPrecisionRecallAndF1FollowTheirDefinitions() {
        // C = [[3, 1], [2, 4]]: rows actual, columns predicted
        ConfusionCounts counts = new ConfusionCounts(2);
        add(counts, 0, 0, 3);
        add(counts, 0, 1, 1);
        add(counts, 1, 0, 2);
        add(counts, 1, 1, 4);

        Evaluation e = new Evaluation(counts, "m", "d", new float[] {0.5f}, new float[] {0.25f}, "given");

        assertEquals(10, e.count());
        assertEquals(7.0 / 10, e.accuracy(), 1e-15);
        assertEquals(3.0 / 5, e.precision(0), 1e-15);
        assertEquals(3.0 / 4, e.recall(0), 1e-15);
        assertEquals(2 * (3.0 / 5) * (3.0 / 4) / (3.0 / 5 + 3.0 / 4), e.f1(0), 1e-15);
        assertEquals(4.0 / 5, e.precision(1), 1e-15);
        assertEquals(4.0 / 6, e.recall(1), 1e-15);
        assertEquals((e.f1(0) + e.f1(1)) / 2, e.macroF1(), 1e-15);
    }

    @Test
    void aClassNeverPredictedHasPrecisionAndF1ZeroNotNaN() {
        ConfusionCounts counts = new ConfusionCounts(3);
        add(counts, 0, 0, 2);
        add(counts, 2, 0, 1);

        Evaluation e = new Evaluation(counts, "m", "d", null, null, "given");

        assertEquals(0.0, e.precision(2));
        assertEquals(0.0, e.recall(2));
        assertEquals(0.0, e.f1(2));
        assertEquals(0.0, e.recall(1), "no sample labelled 1: recall 0 by convention");
    }

    @Test
    void meanLossIsTheCrossEntropyOfTheLogits() {
        ConfusionCounts counts = new ConfusionCounts(2);
        counts.add(0, new float[] {0f, 0f}, 0, 0);             // −log(1/2)
        counts.add(1, new float[] {9f, 2f, 0f}, 1, 0);         // logits at offset 1: [2, 0], label 1 → log(e² + 1)
        Evaluation e = new Evaluation(counts, "m", "d", null, null, "given");

        assertEquals((Math.log(2) + Math.log(Math.exp(2) + 1)) / 2, e.meanLoss(), 1e-12);
    }

    @Test
    void mergingPartitionsAddsTheirCounts() {
        ConfusionCounts a = new ConfusionCounts(2), b = new ConfusionCounts(2);
        add(a, 0, 0, 2);
        add(b, 0, 0, 1);
        add(b, 1, 0, 3);

        long[][] merged = a.merge(b).matrix();

        assertEquals(3, merged[0][0]);
        assertEquals(3, merged[1][0]);
        assertEquals(6, a.count());
    }

    @Test
    void aLabelOutsideTheClassesIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ConfusionCounts(10).add(12, new float[10], 0, 0));
        assertTrue(e.getMessage().contains("label 12") && e.getMessage().contains("10 classes"), e.getMessage());
    }

    @Test
    void jsonHoldsTheTotalsPerClassEntriesAndTheMatrix() throws Exception {
        ConfusionCounts counts = new ConfusionCounts(2);
        add(counts, 0, 1, 2);
        add(counts, 1, 1, 3);
        Evaluation e = new Evaluation(counts, "m", "d", new float[] {0.5f}, new float[] {0.25f}, "given");

        JsonNode json = new ObjectMapper().readTree(e.toJson());

        assertEquals(e.accuracy(), json.path("accuracy").asDouble(), 0.0);
        assertEquals(2, json.path("confusion_matrix").get(0).get(1).asLong());
        assertEquals(e.precision(1), json.path("classes").get(1).path("precision").asDouble(), 0.0);
        assertEquals(5, json.path("classes").get(1).path("predicted").asLong());
        String html = EvaluationReport.html("t <&>", e);
        assertTrue(html.contains("t &lt;&amp;&gt;"), "the title is escaped");
    }

    @Test
    void theModelsClassNamesLabelTheJsonAndTheReport() throws Exception {
        ConfusionCounts counts = new ConfusionCounts(3);
        add(counts, 1, 1, 2);
        add(counts, 2, 1, 1);
        Evaluation e = new Evaluation(counts, "m", "d", null, null, "given", java.util.List.of("ankle boot", "<trouser>", "t-shirt"));

        JsonNode json = new ObjectMapper().readTree(e.toJson());
        String html = EvaluationReport.html("t", e);

        assertEquals("[\"ankle boot\",\"<trouser>\",\"t-shirt\"]", json.path("class_names").toString());
        assertEquals("<trouser>", json.path("classes").get(1).path("name").asText());
        assertEquals(2, json.path("classes").get(1).path("support").asLong());
        assertTrue(html.contains("<th>ankle boot</th>") && html.contains("<th>&lt;trouser&gt;</th>") && html.contains(">t-shirt</text>"),
                "matrix headers and bar labels name the classes, escaped");
    }

    @Test
    void withoutClassNamesClassesAreTheirIndices() throws Exception {
        ConfusionCounts counts = new ConfusionCounts(2);
        add(counts, 0, 0, 1);
        Evaluation e = new Evaluation(counts, "m", "d", null, null, "given");

        JsonNode json = new ObjectMapper().readTree(e.toJson());

        assertTrue(json.path("class_names").isMissingNode() && json.path("classes").get(0).path("name").isMissingNode(), e.toJson());
        assertEquals("1", e.className(1));
    }
}
