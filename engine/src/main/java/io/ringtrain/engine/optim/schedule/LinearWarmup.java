package io.ringtrain.engine.optim.schedule;

/**
 * Linear warm-up in front of another schedule: for step &lt; W the lr rises linearly from
 * startFactor·after(0) towards after(0), lr = after(0)·(startFactor + (1 − startFactor)·step / W);
 * from step W on it is {@code after.lrAt(step − W)}, so the wrapped schedule starts when the
 * warm-up ends (a cosine over the rest of a run of T steps is {@code new CosineAnnealingLR(base, T − W)}).
 * With startFactor 0 this is the usual LambdaLR warm-up {@code step / W} (the first step has lr 0).
 */
public record LinearWarmup(LrSchedule after, long warmupSteps, double startFactor) implements LrSchedule {
    public LinearWarmup {
        if (warmupSteps < 0) throw new IllegalArgumentException("LinearWarmup: warmupSteps must be >= 0, got " + warmupSteps);
        if (!(startFactor >= 0 && startFactor <= 1)) throw new IllegalArgumentException("LinearWarmup: startFactor must lie in [0, 1], got " + startFactor);
    }

    /** Warm-up from 0. */
    public LinearWarmup(LrSchedule after, long warmupSteps) {
        this(after, warmupSteps, 0.0);
    }

    @Override
    public double lrAt(long step) {
        if (step >= warmupSteps) return after.lrAt(step - warmupSteps);
        // with startFactor 0 this is exactly step / W (0 + 1·step / W), LambdaLR's usual warm-up
        return after.lrAt(0) * (startFactor + (1 - startFactor) * step / warmupSteps);
    }
}
