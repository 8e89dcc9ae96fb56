package io.ringtrain.jobs.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.trainer.loop.ConsoleProgress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The driver's console view of rank 0's JSON progress lines: a bar with epoch, step, loss,
 * samples/s and ETA, redrawn in place on a terminal (at most every 2 s in a log), and one line per
 * finished epoch with the evaluation.
 */
public final class ProgressDisplay {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private long lastDraw;
    private boolean barShown;

    public ProgressDisplay(PrintStream out) {
        this.out = out;
    }

    public synchronized void accept(String line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (Exception e) {
            return; // not ours to judge: the line is still kept in metrics.jsonl
        }
        if ("step".equals(n.path("type").asText())) {
            long now = System.currentTimeMillis();
            boolean last = n.path("global_step").asLong() == n.path("total_steps").asLong();
            if (!last && now - lastDraw < (terminal ? 200 : 2000)) return;
            lastDraw = now;
            double fraction = n.path("global_step").asDouble() / Math.max(1, n.path("total_steps").asDouble());
            int filled = (int) Math.round(fraction * 24);
            String bar = "[" + "=".repeat(Math.max(0, filled)) + " ".repeat(Math.max(0, 24 - filled)) + "]";
            String text = String.format(Locale.ROOT, "%s %3.0f%%  epoch %d  step %d/%d  loss %s  %,.0f samples/s  ETA %s",
                    bar, 100 * fraction, n.path("epoch").asInt(), n.path("global_step").asLong(), n.path("total_steps").asLong(),
                    n.path("loss").isNumber() ? String.format(Locale.ROOT, "%.4f", n.path("loss").asDouble()) : "-",
                    n.path("samples_per_s").asDouble(), ConsoleProgress.duration(n.path("eta_s").asDouble()));
            if (terminal) {
                out.print("\r" + text);
                barShown = true;
            } else {
                out.println(text);
            }
        } else if ("epoch".equals(n.path("type").asText())) {
            finish();
            String eval = n.path("eval_accuracy").isNumber()
                    ? String.format(Locale.ROOT, "  test loss %.4f  test accuracy %.2f%%", n.path("eval_loss").asDouble(), 100 * n.path("eval_accuracy").asDouble())
                    : "";
            out.println(String.format(Locale.ROOT, "epoch %d done in %.1fs  train loss %.4f%s", n.path("epoch").asInt(),
                    n.path("seconds").asDouble(), n.path("train_loss").asDouble(), eval));
        }
    }

    /** Ends the in-place bar line. */
    public synchronized void finish() {
        if (barShown) {
            out.println();
            barShown = false;
        }
    }
}
