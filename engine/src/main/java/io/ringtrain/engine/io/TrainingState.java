package io.ringtrain.engine.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a run stands, saved with a checkpoint so a resumed run continues exactly: the epoch and the
 * global optimizer step (the next step to run is {@code step}), the LR schedule's position
 * ({@code LrScheduler.position()}), the random generators' state as an opaque string (the trainer
 * decides its form: seeds and counters, a serialised generator), and free-form provenance
 * ({@code extra}: config, code version, metrics).
 */
public record TrainingState(long epoch, long step, long schedulePosition, String rngState, Map<String, String> extra) {
    public TrainingState {
        if (epoch < 0 || step < 0 || schedulePosition < 0) {
            throw new IllegalArgumentException("epoch, step and schedule position must be >= 0, got " + epoch + ", " + step + ", " + schedulePosition);
        }
        rngState = rngState == null ? "" : rngState;
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra == null ? Map.of() : extra));
    }

    public TrainingState(long epoch, long step, long schedulePosition, String rngState) {
        this(epoch, step, schedulePosition, rngState, Map.of());
    }
}
