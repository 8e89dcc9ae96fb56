package io.ringtrain.jobs.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chart axis with "nice" ticks: the step is 1, 2 or 5 times a power of ten, and the axis runs
 * from the last tick at or below the data's minimum to the first tick at or above its maximum, so
 * every tick is a round number and the data fills the axis.
 *
 * @param min  the axis' first tick
 * @param max  the axis' last tick
 * @param step the distance between ticks
 */
public record AxisScale(double min, double max, double step) {

    /** An axis over [lo, hi] with about {@code targetTicks} ticks (a single value gets an axis around it). */
    public static AxisScale of(double lo, double hi, int targetTicks) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) throw new IllegalArgumentException("no axis over [" + lo + ", " + hi + "]");
        if (lo == hi) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / Math.max(1, targetTicks - 1));
        // the small tolerance keeps a bound that is a tick up to rounding (0.1 + 0.2) from adding one more
        double first = Math.floor(lo / step + 1e-9) * step;
        double last = Math.ceil(hi / step - 1e-9) * step;
        return new AxisScale(first, last, step);
    }

    /** An axis of whole numbers (epochs): as {@link #of}, with a step of at least 1. */
    public static AxisScale ofWholeNumbers(double lo, double hi, int targetTicks) {
        AxisScale a = of(lo, hi, targetTicks);
        if (a.step >= 1) return a;
        return new AxisScale(Math.floor(a.min), Math.ceil(a.max), 1);
    }

    /** The smallest of 1, 2, 5 × 10^k at or above {@code raw}. */
    static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10;
        return nice * power;
    }

    /** The tick values from min to max. */
    public List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        long n = Math.round((max - min) / step);
        for (long i = 0; i <= n; i++) {
            double v = min + i * step;
            out.add(Math.abs(v) < step * 1e-9 ? 0.0 : v); // no "-0" from rounding
        }
        return out;
    }

    /** A tick's label with as many decimals as the step needs (0.02 steps: two; 1000 steps: none). */
    public String label(double value) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        if (decimals > 6 || Math.abs(max) >= 1e7) return String.format(Locale.ROOT, "%.3g", value);
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Where {@code value} lies on the axis, from 0 (min) to 1 (max). */
    public double fraction(double value) {
        return (value - min) / (max - min);
    }
}
