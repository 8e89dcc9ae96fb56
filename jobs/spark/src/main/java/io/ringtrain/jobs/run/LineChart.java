package io.ringtrain.jobs.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An inline SVG line chart (no scripts, no external files): one or more series over shared axes
 * with nice ticks ({@link AxisScale}), grid lines, axis labels and a legend of the series that have data.
 */
public final class LineChart {
    private static final int WIDTH = 560, HEIGHT = 340, LEFT = 70, RIGHT = 20, TOP = 56, BOTTOM = 50;

    /**
     * One series: {@code points} are (x, y) pairs; {@code markers} draws a dot per point (for
     * sparse series such as one value per epoch), otherwise only the line.
     */
    public record Series(String name, String colour, List<double[]> points, boolean markers) {}

    private final String title, xLabel, yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean wholeNumberX;

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Ticks only at whole x values (epochs). */
    public LineChart wholeNumberX() {
        wholeNumberX = true;
        return this;
    }

    public LineChart add(Series s) {
        series.add(s);
        return this;
    }

    public String svg() {
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"15\" font-weight=\"bold\">%s</text>", LEFT, RunReport.escape(title)));
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY, minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) continue;
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        int plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM, bottomY = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>",
                LEFT + plotW / 2, HEIGHT - 10, RunReport.escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s</text>",
                TOP + plotH / 2, TOP + plotH / 2, RunReport.escape(yLabel)));
        if (minX > maxX) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>", LEFT, TOP, plotW, plotH));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\" fill=\"#666\">no data</text>",
                    LEFT + plotW / 2, TOP + plotH / 2));
            return svg.append("</svg>").toString();
        }
        AxisScale xs = wholeNumberX ? AxisScale.ofWholeNumbers(minX, maxX, 7) : AxisScale.of(minX, maxX, 7), ys = AxisScale.of(minY, maxY, 6);
        for (double t : xs.ticks()) {
            double x = LEFT + xs.fraction(t) * plotW;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>", x, TOP, x, bottomY));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/>", x, bottomY, x, bottomY + 5));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x, bottomY + 18, xs.label(t)));
        }
        for (double t : ys.ticks()) {
            double y = bottomY - ys.fraction(t) * plotH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", LEFT, y, WIDTH - RIGHT, y));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#444\"/>", LEFT - 5, y, LEFT, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>", LEFT - 8, y + 4, ys.label(t)));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT, bottomY, WIDTH - RIGHT, bottomY));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT, TOP, LEFT, bottomY));
        int legendX = LEFT;
        for (Series s : series) {
            if (s.points().stream().noneMatch(p -> Double.isFinite(p[0]) && Double.isFinite(p[1]))) continue; // no legend entry for a series without data
            StringBuilder path = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) continue;
                double x = LEFT + xs.fraction(p[0]) * plotW, y = bottomY - ys.fraction(p[1]) * plotH;
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                if (s.markers()) dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>", x, y, s.colour()));
            }
            String name = RunReport.escape(s.name());
            svg.append("<g class=\"series\" data-name=\"").append(name).append("\">");
            if (path.length() > 0) {
                svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(s.colour()).append("\" stroke-width=\"1.5\"/>");
            }
            svg.append(dots).append("</g>");
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"36\" x2=\"%d\" y2=\"36\" stroke=\"%s\" stroke-width=\"3\"/>", legendX, legendX + 18, s.colour()));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"40\" font-size=\"12\">%s</text>", legendX + 23, name));
            legendX += 23 + 7 * s.name().length() + 18;
        }
        return svg.append("</svg>").toString();
    }
}
