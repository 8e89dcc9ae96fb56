package io.ringtrain.jobs.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.trainer.loop.ConsoleProgress;
import io.ringtrain.trainer.loop.TrainingListener.EpochReport;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The driver's console view of rank 0's JSON progress lines: a bar with epoch, step, loss,
 * samples/s and ETA, redrawn in place on a terminal (at most every 2 s in a log), one line per
 * finished epoch with the evaluation, and one where a retry resumed (from what, at which step). Samples/s and the ETA come from this display's own
 * {@link SmoothedRate}s (smoothing {@value #SMOOTHING} per interval of at least 1 s), not from the
 * average since the first step, which the slow first steps skew for the whole run; until the first
 * interval is measured they read "…" and "ETA ?". A step line whose {@code global_step} and
 * {@code total_steps} are not whole numbers with 0 ≤ global_step ≤ total_steps draws nothing (it is
 * still kept in metrics.jsonl), so no line can draw a bogus bar or size one by its numbers.
 */
public final class ProgressDisplay {
    static final double SMOOTHING = 0.1;
    static final int BAR_WIDTH = 24;
    private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
    /** The longest text of a line (a resume's "from") shown as it came. */
    static final int MAX_TEXT = 300;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;
    private final LongSupplier nanoClock;
    private final boolean terminal;
    private boolean drawn;
    private long lastDrawNanos;
    private boolean barShown;
    private SmoothedRate samplesPerSecond, stepsPerSecond;
    private long samplesSoFar;
    private long lastGlobalStep = -1;
    /** Shown after each step line while the job runs with fewer replicas than it asked for; "" otherwise. */
    private String shortOfReplicas = "";

    public ProgressDisplay(PrintStream out) {
        this(out, System::nanoTime, System.console() != null);
    }

    /** {@code nanoClock}: the time in nanoseconds; {@code terminal}: redraw the bar in place. */
    ProgressDisplay(PrintStream out, LongSupplier nanoClock, boolean terminal) {
        this.out = out;
        this.nanoClock = nanoClock;
        this.terminal = terminal;
        restartRates();
    }

    private void restartRates() {
        samplesPerSecond = new SmoothedRate(SMOOTHING, MIN_INTERVAL_NANOS);
        stepsPerSecond = new SmoothedRate(SMOOTHING, MIN_INTERVAL_NANOS);
        samplesSoFar = 0;
    }

    public synchronized void accept(String line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (Exception e) {
            return; // not ours to judge: the line is still kept in metrics.jsonl
        }
        if (n == null) return;
        if ("step".equals(n.path("type").asText())) {
            long globalStep = count(n.path("global_step")), totalSteps = count(n.path("total_steps"));
            if (globalStep < 0 || totalSteps < 1 || globalStep > totalSteps) return; // no bar from a line that cannot be one
            long now = nanoClock.getAsLong();
            if (globalStep <= lastGlobalStep) restartRates(); // a retried attempt resumes from a checkpoint: measure it afresh
            lastGlobalStep = globalStep;
            long samples = Math.max(0, count(n.path("samples")));
            samplesSoFar = samples > Long.MAX_VALUE - samplesSoFar ? Long.MAX_VALUE : samplesSoFar + samples;
            samplesPerSecond.observe(now, samplesSoFar);
            stepsPerSecond.observe(now, globalStep);
            boolean last = globalStep == totalSteps;
            if (!last && drawn && now - lastDrawNanos < (terminal ? 200_000_000L : 2_000_000_000L)) return;
            drawn = true;
            lastDrawNanos = now;
            double fraction = globalStep / (double) totalSteps;
            int filled = (int) Math.max(0, Math.min(BAR_WIDTH, Math.round(fraction * BAR_WIDTH)));
            String bar = "[" + "=".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "]";
            double rate = samplesPerSecond.perSecond();
            double eta = globalStep >= totalSteps ? 0 : (totalSteps - globalStep) / stepsPerSecond.perSecond();
            String text = String.format(Locale.ROOT, "%s %3.0f%%  epoch %d  step %d/%d  loss %s  %s samples/s  ETA %s",
                    bar, 100 * fraction, n.path("epoch").asInt(), globalStep, totalSteps,
                    n.path("loss").isNumber() ? String.format(Locale.ROOT, "%.4f", n.path("loss").asDouble()) : "-",
                    Double.isNaN(rate) ? "…" : String.format(Locale.ROOT, "%,.0f", rate), ConsoleProgress.duration(eta));
            text += straggler(n.path("straggler")) + shortOfReplicas;
            if (terminal) {
                out.print("\r" + text);
                barShown = true;
            } else {
                out.println(text);
            }
        } else if ("resume".equals(n.path("type").asText()) && n.path("from").isTextual()) {
            finish();
            out.println(printable(n.path("from").asText()));
        } else if ("epoch".equals(n.path("type").asText())) {
            finish();
            String eval = n.path("eval_accuracy").isNumber()
                    ? String.format(Locale.ROOT, "  test loss %.4f  test accuracy %.2f%%", n.path("eval_loss").asDouble(), 100 * n.path("eval_accuracy").asDouble())
                    : "";
            String stop = n.path("target_reached").asBoolean() ? EpochReport.TARGET_REACHED_NOTE : "";
            out.println(String.format(Locale.ROOT, "epoch %d done in %.1fs  train loss %.4f%s%s", n.path("epoch").asInt(),
                    n.path("seconds").asDouble(), n.path("train_loss").asDouble(), eval, stop));
        }
    }

    /**
     * {@code "  straggler rank 2 (10.0.0.3) 1.8× the median compute for 7 steps"}, or for a slow link
     * {@code "  straggler rank 2 (10.0.0.3) link: sends stalled 412 ms a step (median 3 ms) for 7 steps"},
     * or "" when the step names none.
     */
    private static String straggler(JsonNode s) {
        if (!s.isObject() || !s.path("rank").isIntegralNumber()) return "";
        String host = s.path("host").isTextual() ? " (" + printable(s.path("host").asText()) + ")" : "";
        String why;
        if ("link".equals(s.path("cause").asText())) {
            double stall = s.path("send_stall_ms").asDouble(Double.NaN), median = s.path("median_send_stall_ms").asDouble(Double.NaN);
            why = " link" + (Double.isFinite(stall) ? String.format(Locale.ROOT, ": sends stalled %.0f ms a step", stall)
                    + (Double.isFinite(median) ? String.format(Locale.ROOT, " (median %.0f ms)", median) : "") : "");
        } else {
            double compute = s.path("compute_ms").asDouble(Double.NaN), median = s.path("median_ms").asDouble(Double.NaN);
            why = median > 0 && Double.isFinite(compute) ? String.format(Locale.ROOT, " %.1f× the median compute", compute / median) : "";
        }
        String steps = s.path("steps").isIntegralNumber() ? " for " + s.path("steps").asLong() + " steps" : "";
        return "  straggler rank " + s.path("rank").asLong() + host + why + steps;
    }

    /** {@code text} for one console line: control characters (a line break, an escape sequence) become spaces, and it is cut at {@value #MAX_TEXT} characters. */
    private static String printable(String text) {
        String cut = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "…" : text;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /** A whole number that fits a long, else -1: the line is not rank 0's and draws nothing. */
    private static long count(JsonNode field) {
        return field.isIntegralNumber() && field.canConvertToLong() ? field.asLong() : -1;
    }

    /** The replicas the current stage runs with, of the {@code target} the job asked for (elastic replicas). */
    public synchronized void replicas(int running, int target) {
        shortOfReplicas = running < target ? "  " + running + " of " + target + " replicas" : "";
    }

    /** One line saying what happens next (e.g. before the first step), below any bar. */
    public synchronized void phase(String what) {
        finish();
        out.println(what + "…");
    }

    /** Ends the in-place bar line. */
    public synchronized void finish() {
        if (barShown) {
            out.println();
            barShown = false;
        }
    }
}
