package io.ringtrain.trainer.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes one JSON object per step and per epoch ({@code "type":"step"|"epoch"}), and one per resume, flushed as it
 * goes (a step line with a straggler has {@code "straggler":{"rank","host","cause","compute_ms","median_ms","send_stall_ms","median_send_stall_ms","steps"}}, cause {@code compute} or {@code link}); a value that is not finite (or absent, such as an epoch's evaluation without test data) is null.
 */
public final class JsonLinesMetrics implements TrainingListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Writer out;

    public JsonLinesMetrics(Writer out) {
        this.out = out;
    }

    @Override
    public void onStep(StepReport r) {
        ObjectNode line = JSON.createObjectNode().put("type", "step").put("epoch", r.epoch()).put("step", r.step())
                .put("global_step", r.globalStep()).put("total_steps", r.totalSteps());
        number(line, "loss", r.loss());
        number(line, "lr", r.lr());
        line.put("samples", r.samples());
        number(line, "samples_per_s", Math.round(r.samplesPerSecond() * 10) / 10.0);
        number(line, "eta_s", Math.round(r.etaSeconds() * 10) / 10.0);
        if (r.straggler() != null) {
            TrainingListener.Straggler s = r.straggler();
            ObjectNode straggler = line.putObject("straggler").put("rank", s.rank()).put("host", s.host()).put("cause", s.cause().label())
                    .put("compute_ms", Math.round(s.computeMillis() * 10) / 10.0).put("median_ms", Math.round(s.medianMillis() * 10) / 10.0);
            number(straggler, "send_stall_ms", tenths(s.sendStallMillis()));
            number(straggler, "median_send_stall_ms", tenths(s.medianSendStallMillis()));
            straggler.put("steps", s.steps());
        }
        write(line);
    }

    /** {@code {"type":"resume","global_step":N,"from":"…"}}: where a retry or a rerun continued, so a gap in the step lines is explained. */
    @Override
    public void onResume(long globalStep, String how) {
        write(JSON.createObjectNode().put("type", "resume").put("global_step", globalStep).put("from", how));
    }

    @Override
    public void onEpochEnd(EpochReport r) {
        ObjectNode line = JSON.createObjectNode().put("type", "epoch").put("epoch", r.epoch());
        number(line, "train_loss", r.trainLoss());
        line.put("train_samples", r.trainSamples());
        number(line, "eval_loss", r.evalLoss());
        number(line, "eval_accuracy", r.evalAccuracy());
        number(line, "seconds", Math.round(r.seconds() * 100) / 100.0);
        if (r.targetReached()) line.put("target_reached", true);
        write(line);
    }

    /** Rounded to 0.1; NaN stays NaN (written as null). */
    private static double tenths(double value) {
        return Double.isFinite(value) ? Math.round(value * 10) / 10.0 : value;
    }

    private static void number(ObjectNode line, String name, Double value) {
        if (value == null || !Double.isFinite(value)) line.putNull(name);
        else line.put(name, value);
    }

    private void write(ObjectNode line) {
        try {
            out.write(JSON.writeValueAsString(line));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics", e);
        }
    }
}
