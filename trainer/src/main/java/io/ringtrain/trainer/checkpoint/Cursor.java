package io.ringtrain.trainer.checkpoint;

import java.util.Map;

/**
 * Where a run stands: the next epoch and micro-step to run and the optimizer-step count (which
 * drives the LR schedule). Data order and dropout are functions of (seed, epoch, step), so with the
 * weights and optimizer state this is all a resumed run needs to continue the same trajectory.
 */
public record Cursor(long globalStep, int epoch, int microStep, Map<String, String> info) {
    static final String MICRO_STEP = "micro_step";

    /** As recorded in an engine checkpoint: step = optimizer steps, schedule position = the same. */
    io.ringtrain.engine.io.TrainingState toEngineState() {
        Map<String, String> extra = new java.util.LinkedHashMap<>(info);
        extra.put(MICRO_STEP, Integer.toString(microStep));
        return new io.ringtrain.engine.io.TrainingState(epoch, globalStep, globalStep, "", extra);
    }

    static Cursor fromEngineState(io.ringtrain.engine.io.TrainingState s) {
        Map<String, String> info = new java.util.LinkedHashMap<>(s.extra());
        String micro = info.remove(MICRO_STEP);
        return new Cursor(s.step(), (int) s.epoch(), micro == null ? 0 : Integer.parseInt(micro), info);
    }
}
