package io.ringtrain.trainer.loop;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints progress lines such as
 * {@code epoch 1/3  step 120/469  loss 0.4321  lr 0.0493  2,310 samples/s  ETA 1m23s}
 * at most every {@code minIntervalMillis}, plus every epoch's summary.
 */
public final class ConsoleProgress implements TrainingListener {
    private final PrintStream out;
    private final long minIntervalMillis;
    private long lastPrint;

    public ConsoleProgress(PrintStream out, long minIntervalMillis) {
        this.out = out;
        this.minIntervalMillis = minIntervalMillis;
    }

    @Override
    public void onStep(StepReport r) {
        long now = System.currentTimeMillis();
        boolean last = r.step() == r.stepsPerEpoch();
        if (!last && now - lastPrint < minIntervalMillis) return;
        lastPrint = now;
        out.println(String.format(Locale.ROOT, "epoch %d/%d  step %d/%d  loss %.4f  lr %.4g  %,.0f samples/s  ETA %s",
                r.epoch(), r.epochs(), r.step(), r.stepsPerEpoch(), r.loss(), r.lr(), r.samplesPerSecond(), duration(r.etaSeconds())));
    }

    @Override
    public void onEpochEnd(EpochReport r) {
        String eval = r.evalAccuracy() == null ? ""
                : String.format(Locale.ROOT, "  eval loss %.4f  eval accuracy %.2f%%", r.evalLoss(), 100 * r.evalAccuracy());
        out.println(String.format(Locale.ROOT, "epoch %d/%d done in %s  train loss %.4f%s%s",
                r.epoch(), r.epochs(), duration(r.seconds()), r.trainLoss(), eval, r.targetReached() ? EpochReport.TARGET_REACHED_NOTE : ""));
    }

    /** 42s, 3m07s, 1h05m; "?" when unknown. */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "?";
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }
}
