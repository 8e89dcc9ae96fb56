package io.ringtrain.trainer.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;

/** Writes one JSON object per step and per epoch ({@code "type":"step"|"epoch"}), flushed as it goes. */
public final class JsonLinesMetrics implements TrainingListener {
    private final Writer out;

    public JsonLinesMetrics(Writer out) {
        this.out = out;
    }

    @Override
    public void onStep(StepReport r) {
        write(String.format(Locale.ROOT,
                "{\"type\":\"step\",\"epoch\":%d,\"step\":%d,\"global_step\":%d,\"total_steps\":%d,\"loss\":%s,\"lr\":%s,\"samples\":%d,\"samples_per_s\":%.1f,\"eta_s\":%.1f}",
                r.epoch(), r.step(), r.globalStep(), r.totalSteps(), num(r.loss()), num(r.lr()), r.samples(), r.samplesPerSecond(), r.etaSeconds()));
    }

    @Override
    public void onEpochEnd(EpochReport r) {
        write(String.format(Locale.ROOT,
                "{\"type\":\"epoch\",\"epoch\":%d,\"train_loss\":%s,\"train_samples\":%d,\"eval_loss\":%s,\"eval_accuracy\":%s,\"seconds\":%.2f}",
                r.epoch(), num(r.trainLoss()), r.trainSamples(), r.evalLoss() == null ? "null" : num(r.evalLoss()),
                r.evalAccuracy() == null ? "null" : num(r.evalAccuracy()), r.seconds()));
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private void write(String line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics", e);
        }
    }
}
