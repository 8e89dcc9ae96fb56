package io.ringtrain.jobs.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A self-contained HTML report of a run (inline SVG, no scripts, no external files: it opens
 * offline): the training loss per step with the train and test loss per epoch on one chart, the
 * test accuracy per epoch, the learning rate per step, the run's hyperparameters (config.json) and
 * the summary.
 */
public final class RunReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STEP_LOSS = "#9ecae1", TRAIN_LOSS = "#1f77b4", TEST = "#ff7f0e", LR = "#2ca02c";

    private RunReport() {}

    /** The report without the hyperparameter table, for callers that show the settings themselves. */
    public static String html(String title, List<String> metricsLines, String summaryJson) {
        return html(title, metricsLines, summaryJson, null);
    }

    /**
     * {@code metricsLines}: metrics.jsonl's lines (a malformed one is left out of the charts);
     * {@code configJson}: the run's config.json, shown as the hyperparameter table (null: none).
     */
    public static String html(String title, List<String> metricsLines, String summaryJson, String configJson) {
        // keyed by step and epoch: a retried attempt resumes from a checkpoint and reports some steps
        // and epochs again; its values replace the failed attempt's, and the curves run left to right
        TreeMap<Double, Double> stepLoss = new TreeMap<>(), lr = new TreeMap<>();
        TreeMap<Integer, JsonNode> epochs = new TreeMap<>();
        Map<Integer, Double> lastStepOfEpoch = new HashMap<>();
        for (String line : metricsLines) {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (Exception e) {
                continue; // metrics.jsonl keeps the line
            }
            if (n == null) continue;
            String type = n.path("type").asText();
            if (type.equals("step")) {
                double step = n.path("global_step").asDouble();
                if (n.path("loss").isNumber()) stepLoss.put(step, n.path("loss").asDouble());
                if (n.path("lr").isNumber()) lr.put(step, n.path("lr").asDouble());
                lastStepOfEpoch.merge(n.path("epoch").asInt(), step, Math::max);
            } else if (type.equals("epoch")) {
                epochs.put(n.path("epoch").asInt(), n);
            }
        }
        List<double[]> trainLoss = new ArrayList<>(), testLoss = new ArrayList<>(), accuracy = new ArrayList<>();
        epochs.forEach((epoch, n) -> {
            double end = lastStepOfEpoch.getOrDefault(epoch, Double.NaN); // NaN: no step of that epoch in this file, no point
            if (n.path("train_loss").isNumber()) trainLoss.add(new double[] {end, n.path("train_loss").asDouble()});
            if (n.path("eval_loss").isNumber()) testLoss.add(new double[] {end, n.path("eval_loss").asDouble()});
            if (n.path("eval_accuracy").isNumber()) accuracy.add(new double[] {epoch, 100 * n.path("eval_accuracy").asDouble()});
        });
        String lossChart = new LineChart("Loss", "step", "loss")
                .add(new LineChart.Series("train loss (step)", STEP_LOSS, points(stepLoss), false))
                .add(new LineChart.Series("train loss (epoch mean)", TRAIN_LOSS, trainLoss, true))
                .add(new LineChart.Series("test loss (epoch)", TEST, testLoss, true)).svg();
        String accuracyChart = new LineChart("Test accuracy", "epoch", "accuracy (%)").wholeNumberX()
                .add(new LineChart.Series("test accuracy", TEST, accuracy, true)).svg();
        String lrChart = new LineChart("Learning rate", "step", "learning rate")
                .add(new LineChart.Series("learning rate", LR, points(lr), false)).svg();
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222}h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}"
                        + "figure,section{display:inline-block;vertical-align:top;margin:0.5em 1em 0.5em 0}section h2{margin-top:0.3em}"
                        + "table{border-collapse:collapse;font-size:0.9em}td,th{border:1px solid #ddd;padding:0.25em 0.7em;text-align:left}"
                        + "th{background:#f4f4f4}td.value{font-family:monospace}pre{background:#f4f4f4;padding:1em}</style></head><body>")
                .append("<h1>").append(escape(title)).append("</h1>")
                .append("<figure>").append(lossChart).append("</figure>")
                .append("<figure>").append(accuracyChart).append("</figure>")
                .append("<figure>").append(lrChart).append("</figure>");
        if (configJson != null) sb.append("<section><h2>Hyperparameters</h2>").append(settingsTable(configJson)).append("</section>");
        sb.append("<h2>Summary</h2><pre>").append(escape(pretty(summaryJson))).append("</pre></body></html>\n");
        return sb.toString();
    }

    private static List<double[]> points(TreeMap<Double, Double> byX) {
        List<double[]> out = new ArrayList<>(byX.size());
        byX.forEach((x, y) -> out.add(new double[] {x, y}));
        return out;
    }

    /** One row per config.json field, in the file's order; a setting left unset (null) reads "not set". */
    static String settingsTable(String configJson) {
        JsonNode config;
        try {
            config = JSON.readTree(configJson);
        } catch (Exception e) {
            return "<pre>" + escape(configJson) + "</pre>";
        }
        if (config == null || !config.isObject()) return "<pre>" + escape(configJson) + "</pre>";
        StringBuilder table = new StringBuilder("<table class=\"hyperparameters\"><tr><th>setting</th><th>value</th></tr>");
        config.fields().forEachRemaining(e -> table.append("<tr><td>").append(escape(e.getKey())).append("</td><td class=\"value\">")
                .append(escape(e.getValue().isNull() ? "not set" : e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()))
                .append("</td></tr>"));
        return table.append("</table>").toString();
    }

    private static String pretty(String json) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
        } catch (Exception e) {
            return json;
        }
    }

    public static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
