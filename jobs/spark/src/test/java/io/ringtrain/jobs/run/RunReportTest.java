package io.ringtrain.jobs.run;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report of a real run: fmnist-cnn, 2 replicas, 3 epochs of the Fashion-MNIST sample (282 steps). */
class RunReportTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = RunReportTest.class.getResourceAsStream("/run/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String report() throws IOException {
        return RunReport.html("ringtrain train: fmnist-cnn <sample>", resource("fmnist-cnn-metrics.jsonl").lines().toList(),
                resource("fmnist-cnn-summary.json"), resource("fmnist-cnn-config.json"));
    }

    /** The "M x y L x y …" path of the named series. */
    private static String seriesPath(String html, String name) {
        Matcher m = Pattern.compile("<g class=\"series\" data-name=\"" + Pattern.quote(name) + "\"><path d=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), "no series " + name);
        return m.group(1);
    }

    /** The SVG of the chart with this title. */
    private static String chart(String html, String title) {
        int at = html.indexOf(">" + title + "</text>");
        assertTrue(at > 0, "no chart " + title);
        return html.substring(html.lastIndexOf("<svg", at), html.indexOf("</svg>", at));
    }

    private static int points(String path) {
        return path.split(" L").length;
    }

    @Test
    void theLossChartHoldsTheTrainLossPerStepAndTheTrainAndTestLossPerEpoch() throws IOException {
        String html = report();
        assertEquals(282, points(seriesPath(html, "train loss (step)")));
        assertEquals(3, points(seriesPath(html, "train loss (epoch mean)")));
        assertEquals(3, points(seriesPath(html, "test loss (epoch)")));
        String loss = chart(html, "Loss");
        for (String series : List.of("train loss (step)", "train loss (epoch mean)", "test loss (epoch)")) {
            assertTrue(loss.contains("data-name=\"" + series + "\""), series + " is on the loss chart");
            assertTrue(loss.contains(">" + series + "</text>"), series + " is in the loss chart's legend");
        }
    }

    @Test
    void theEpochPointsSitAtTheLastStepOfTheirEpoch() throws IOException {
        String html = report();
        String steps = seriesPath(html, "train loss (step)"), test = seriesPath(html, "test loss (epoch)");
        String[] stepPoints = steps.substring(1).split(" L");
        String[] testPoints = test.substring(1).split(" L");
        // epochs of 94 steps: the test loss of epoch 1 is drawn at step 94's x, of epoch 3 at step 282's
        assertEquals(stepPoints[93].split(" ")[0], testPoints[0].split(" ")[0]);
        assertEquals(stepPoints[281].split(" ")[0], testPoints[2].split(" ")[0]);
    }

    @Test
    void chartsHaveIntermediateNiceTicksAndLabelledAxes() throws IOException {
        String html = report();
        for (String tick : List.of(">50</text>", ">100</text>", ">150</text>", ">250</text>", ">0.5</text>", ">2.0</text>", ">0.02</text>")) {
            assertTrue(html.contains(tick), "tick " + tick);
        }
        String accuracy = chart(html, "Test accuracy");
        assertTrue(accuracy.contains(">1</text>") && accuracy.contains(">2</text>") && accuracy.contains(">3</text>"), "epoch ticks");
        assertFalse(accuracy.contains(">1.5</text>"), "whole epochs only");
        for (String label : List.of(">step</text>", ">loss</text>", ">epoch</text>", ">accuracy (%)</text>", ">learning rate</text>")) {
            assertTrue(html.contains(label), "axis label " + label);
        }
    }

    @Test
    void theLearningRateIsChartedPerStep() throws IOException {
        String html = report();
        assertEquals(282, points(seriesPath(html, "learning rate")));
        assertTrue(chart(html, "Learning rate").contains("data-name=\"learning rate\""));
    }

    @Test
    void theHyperparametersComeFromTheRunsConfig() throws IOException {
        String html = report();
        int table = html.indexOf("<table class=\"hyperparameters\">");
        assertTrue(table > 0);
        String rows = html.substring(table, html.indexOf("</table>", table));
        for (String row : List.of("<td>model</td><td class=\"value\">fmnist-cnn</td>", "<td>lr</td><td class=\"value\">0.05</td>",
                "<td>batchSize</td><td class=\"value\">32</td>", "<td>schedule</td><td class=\"value\">cosine</td>",
                "<td>inputShape</td><td class=\"value\">[1,28,28]</td>", "<td>mean</td><td class=\"value\">not set</td>")) {
            assertTrue(rows.contains(row), row);
        }
    }

    @Test
    void theReportIsSelfContainedAndEscapesText() throws IOException {
        String html = report();
        assertFalse(html.contains("<script"));
        assertFalse(html.contains(" src="), "nothing to fetch");
        assertFalse(html.contains(" href="), "nothing to fetch");
        assertTrue(html.contains("fmnist-cnn &lt;sample&gt;"));
    }

    @Test
    void aRetriedAttemptsStepsReplaceTheFailedAttemptsSoTheCurveRunsLeftToRight() {
        List<String> lines = List.of(
                "{\"type\":\"step\",\"epoch\":1,\"step\":1,\"global_step\":1,\"total_steps\":3,\"loss\":2.0,\"lr\":0.1}",
                "{\"type\":\"step\",\"epoch\":1,\"step\":2,\"global_step\":2,\"total_steps\":3,\"loss\":9.0,\"lr\":0.1}",
                // the attempt failed; the retry resumed from the checkpoint after step 1
                "{\"type\":\"step\",\"epoch\":1,\"step\":2,\"global_step\":2,\"total_steps\":3,\"loss\":1.0,\"lr\":0.1}",
                "{\"type\":\"step\",\"epoch\":1,\"step\":3,\"global_step\":3,\"total_steps\":3,\"loss\":0.0,\"lr\":0.1}");
        String path = seriesPath(RunReport.html("t", lines, "{}", null), "train loss (step)");
        String[] points = path.substring(1).split(" L");
        assertEquals(3, points.length, path);
        double[] x = new double[3], y = new double[3];
        for (int i = 0; i < 3; i++) {
            x[i] = Double.parseDouble(points[i].split(" ")[0]);
            y[i] = Double.parseDouble(points[i].split(" ")[1]);
        }
        assertTrue(x[0] < x[1] && x[1] < x[2], path);
        assertTrue(y[0] < y[1] && y[1] < y[2], "losses 2, 1, 0 from the top down (not the failed attempt's 9): " + path);
    }

    @Test
    void aRunWithoutEvaluationDrawsNoTestSeriesAndSaysTheChartHasNoData() {
        List<String> lines = List.of(
                "{\"type\":\"step\",\"epoch\":1,\"step\":1,\"global_step\":1,\"total_steps\":2,\"loss\":2.0,\"lr\":0.1}",
                "not json",
                "{\"type\":\"step\",\"epoch\":1,\"step\":2,\"global_step\":2,\"total_steps\":2,\"loss\":1.5,\"lr\":0.1}",
                "{\"type\":\"epoch\",\"epoch\":1,\"train_loss\":1.75,\"eval_loss\":null,\"eval_accuracy\":null}");
        String html = RunReport.html("t", lines, "{}", null);
        assertEquals(2, points(seriesPath(html, "train loss (step)")));
        assertFalse(html.contains("data-name=\"test loss (epoch)\""));
        assertFalse(html.contains(">test loss (epoch)</text>"), "no legend entry without data");
        assertTrue(html.contains(">no data</text>"), "the accuracy chart says it has nothing to show");
        assertFalse(html.contains("Hyperparameters"));
    }
}
