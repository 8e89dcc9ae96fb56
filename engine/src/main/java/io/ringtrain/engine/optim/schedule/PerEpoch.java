package io.ringtrain.engine.optim.schedule;

/**
 * Advances a schedule once per epoch instead of once per step: lr(step) = inner(⌊step / stepsPerEpoch⌋),
 * as stepping a PyTorch scheduler at the end of each epoch. The inner schedule's unit becomes the
 * epoch (e.g. {@code new PerEpoch(new CosineAnnealingLR(0.1, epochs), stepsPerEpoch)}).
 */
public record PerEpoch(LrSchedule inner, long stepsPerEpoch) implements LrSchedule {
    public PerEpoch {
        if (stepsPerEpoch <= 0) throw new IllegalArgumentException("PerEpoch: stepsPerEpoch must be > 0, got " + stepsPerEpoch);
    }

    @Override
    public double lrAt(long step) {
        return inner.lrAt(Math.floorDiv(step, stepsPerEpoch));
    }
}
