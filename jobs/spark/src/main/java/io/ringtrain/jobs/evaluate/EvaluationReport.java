package io.ringtrain.jobs.evaluate;

import io.ringtrain.jobs.run.RunReport;

import java.util.Locale;

/**
 * evaluation.html: a self-contained page (no scripts, no external files) with the totals, the
 * confusion matrix as a table whose cells are shaded by the share of their row (the recall view:
 * a dark diagonal is good, a dark off-diagonal cell is a frequent confusion), and an SVG bar chart
 * of precision, recall and F1 per class.
 */
public final class EvaluationReport {
    private static final String[] SERIES_COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c"};

    private EvaluationReport() {}

    public static String html(String title, Evaluation e) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(RunReport.escape(title)).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222}h1{font-size:1.3em}"
                        + "table.cm{border-collapse:collapse;font-size:12px}table.cm td,table.cm th{border:1px solid #ccc;padding:4px 6px;text-align:right}"
                        + "table.cm th{background:#f4f4f4}dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}dt{font-weight:bold}</style>"
                        + "</head><body>")
                .append("<h1>").append(RunReport.escape(title)).append("</h1><dl>")
                .append("<dt>model</dt><dd>").append(RunReport.escape(e.model())).append("</dd>")
                .append("<dt>data</dt><dd>").append(RunReport.escape(e.data())).append("</dd>")
                .append("<dt>samples</dt><dd>").append(e.count()).append("</dd>")
                .append(String.format(Locale.ROOT, "<dt>accuracy</dt><dd>%.2f%%</dd>", 100 * e.accuracy()))
                .append(String.format(Locale.ROOT, "<dt>mean loss</dt><dd>%.4f</dd>", e.meanLoss()))
                .append(String.format(Locale.ROOT, "<dt>macro F1</dt><dd>%.4f</dd>", e.macroF1()))
                .append("</dl><h2>Confusion matrix</h2><p>rows: actual class, columns: predicted class; shade = share of the row</p>")
                .append(confusionTable(e))
                .append("<h2>Per class</h2>").append(perClassBars(e))
                .append("</body></html>\n");
        return sb.toString();
    }

    static String confusionTable(Evaluation e) {
        long[][] cm = e.confusionMatrix();
        StringBuilder t = new StringBuilder("<table class=\"cm\"><tr><th>actual \\ predicted</th>");
        for (int p = 0; p < cm.length; p++) t.append("<th>").append(RunReport.escape(e.className(p))).append("</th>");
        t.append("<th>recall</th></tr>");
        for (int a = 0; a < cm.length; a++) {
            long rowSum = e.support(a);
            t.append("<tr><th>").append(RunReport.escape(e.className(a))).append("</th>");
            for (int p = 0; p < cm.length; p++) {
                double share = rowSum == 0 ? 0 : (double) cm[a][p] / rowSum;
                String colour = a == p ? "31,119,180" : "214,39,40";
                t.append(String.format(Locale.ROOT, "<td style=\"background:rgba(%s,%.3f);color:%s\" title=\"%.1f%% of class %s\">%d</td>",
                        colour, share, share > 0.6 ? "#fff" : "#222", 100 * share, RunReport.escape(e.className(a)), cm[a][p]));
            }
            t.append(String.format(Locale.ROOT, "<td>%.3f</td></tr>", e.recall(a)));
        }
        t.append("<tr><th>precision</th>");
        for (int p = 0; p < cm.length; p++) t.append(String.format(Locale.ROOT, "<td>%.3f</td>", e.precision(p)));
        return t.append("<td></td></tr></table>").toString();
    }

    /** Grouped bars: precision, recall, F1 (0..1) for each class. */
    static String perClassBars(Evaluation e) {
        int classes = e.classes(), left = 40, top = 30, bottom = 40, chartHeight = 200;
        int group = 36, width = left + classes * group + 20, height = top + chartHeight + bottom;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", width, height, width, height));
        String[] names = {"precision", "recall", "F1"};
        for (int s = 0; s < 3; s++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"8\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"17\" font-size=\"11\">%s</text>",
                    left + s * 80, SERIES_COLOURS[s], left + s * 80 + 14, names[s]));
        }
        int base = top + chartHeight;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", left, base, width - 10, base));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", left, top, left, base));
        svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">1.0</text><text x=\"4\" y=\"%d\" font-size=\"11\">0</text>", top + 4, base));
        for (int k = 0; k < classes; k++) {
            double[] values = {e.precision(k), e.recall(k), e.f1(k)};
            int x0 = left + k * group + 4;
            for (int s = 0; s < 3; s++) {
                double h = values[s] * chartHeight;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"9\" height=\"%.1f\" fill=\"%s\"><title>class %s %s %.3f</title></rect>",
                        x0 + s * 10, base - h, h, SERIES_COLOURS[s], RunReport.escape(e.className(k)), names[s], values[s]));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x0 + 15, base + 15,
                    RunReport.escape(e.className(k))));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">class</text>", left + classes * group / 2, base + 32));
        return svg.append("</svg>").toString();
    }
}
