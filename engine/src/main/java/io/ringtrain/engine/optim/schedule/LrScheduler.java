package io.ringtrain.engine.optim.schedule;

import io.ringtrain.engine.optim.Optimizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drives an optimizer's learning rate from a {@link LrSchedule}: holds the position (the number of
 * optimizer steps taken) and sets {@code optimizer.setLr(schedule.lrAt(position))}. Call
 * {@link #step()} after each {@code optimizer.step()}, as with a PyTorch scheduler. The position is
 * the whole state: a checkpoint stores it and {@link #setPosition(long)} restores it.
 */
public final class LrScheduler {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private long position;

    /** Starts at position 0 and sets the optimizer's lr for its first step. */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        this.optimizer = optimizer;
        this.schedule = schedule;
        apply();
    }

    /** Advances one optimizer step and sets the lr for the next one. */
    public void step() {
        position++;
        apply();
    }

    public long position() {
        return position;
    }

    /** Jumps to a position (resuming from a checkpoint) and sets the lr for it. */
    public void setPosition(long position) {
        if (position < 0) throw new IllegalArgumentException("schedule position must be >= 0, got " + position);
        this.position = position;
        apply();
    }

    /** The lr the next optimizer step uses. */
    public double currentLr() {
        return schedule.lrAt(position);
    }

    public LrSchedule schedule() {
        return schedule;
    }

    /** {"position": ..., "schedule": ...} as strings, for checkpoint metadata. */
    public Map<String, String> state() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("position", Long.toString(position));
        out.put("schedule", schedule.toString());
        return out;
    }

    /** Restores the position from {@link #state()}. */
    public void loadState(Map<String, String> state) {
        String value = state.get("position");
        if (value == null) throw new IllegalArgumentException("schedule state has no 'position'; it has " + state.keySet());
        setPosition(Long.parseLong(value));
    }

    private void apply() {
        optimizer.setLr(schedule.lrAt(position));
    }
}
