package io.ringtrain.jobs.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML report of a run: the training-loss curve per step and the test accuracy per
 * epoch as inline SVG charts (no scripts, no external files), and the summary.
 */
public final class RunReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunReport() {}

    public static String html(String title, List<String> metricsLines, String summaryJson) {
        List<double[]> loss = new ArrayList<>(), accuracy = new ArrayList<>(), epochLoss = new ArrayList<>();
        for (String line : metricsLines) {
            try {
                JsonNode n = JSON.readTree(line);
                if ("step".equals(n.path("type").asText()) && n.path("loss").isNumber()) {
                    loss.add(new double[] {n.path("global_step").asDouble(), n.path("loss").asDouble()});
                } else if ("epoch".equals(n.path("type").asText())) {
                    epochLoss.add(new double[] {n.path("epoch").asDouble(), n.path("train_loss").asDouble()});
                    if (n.path("eval_accuracy").isNumber()) accuracy.add(new double[] {n.path("epoch").asDouble(), 100 * n.path("eval_accuracy").asDouble()});
                }
            } catch (Exception ignored) {
                // a malformed line is skipped in the chart; metrics.jsonl keeps it
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222}h1{font-size:1.3em}figure{display:inline-block;margin:1em}"
                        + "pre{background:#f4f4f4;padding:1em}</style></head><body>")
                .append("<h1>").append(escape(title)).append("</h1>")
                .append("<figure>").append(chart("training loss per step", "step", "loss", loss)).append("</figure>")
                .append("<figure>").append(chart("test accuracy per epoch (%)", "epoch", "accuracy %", accuracy)).append("</figure>")
                .append("<figure>").append(chart("training loss per epoch", "epoch", "loss", epochLoss)).append("</figure>")
                .append("<h2>Summary</h2><pre>").append(escape(pretty(summaryJson))).append("</pre></body></html>\n");
        return sb.toString();
    }

    /** A 480×300 line chart with axes, min/max labels and points. */
    static String chart(String title, String xLabel, String yLabel, List<double[]> points) {
        int w = 480, h = 300, left = 60, right = 20, top = 30, bottom = 45;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", w, h, w, h));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>", left, escape(title)));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", left, h - bottom, w - right, h - bottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", left, top, left, h - bottom));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>", (w - right) / 2, h - 8, escape(xLabel)));
        if (points.isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">no data</text>", left + 20, h / 2));
            return svg.append("</svg>").toString();
        }
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (double[] p : points) {
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        if (maxX == minX) maxX = minX + 1;
        if (maxY == minY) maxY = minY + 1;
        StringBuilder path = new StringBuilder();
        for (double[] p : points) {
            double x = left + (p[0] - minX) / (maxX - minX) * (w - left - right);
            double y = h - bottom - (p[1] - minY) / (maxY - minY) * (h - top - bottom);
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
            if (points.size() <= 50) svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"/>", x, y));
        }
        svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>");
        svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%.4g</text>", top + 4, maxY));
        svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%.4g</text>", h - bottom, minY));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%.0f</text>", left, h - bottom + 15, minX));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.0f</text>", w - right, h - bottom + 15, maxX));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 %d)\">%s</text>", 12, h / 2, h / 2, escape(yLabel)));
        return svg.append("</svg>").toString();
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
