package io.ringtrain.engine.optim.schedule;

/**
 * lr = base·γ^⌊step / stepSize⌋: decays by γ every {@code stepSize} steps, as
 * {@code torch.optim.lr_scheduler.StepLR} (in closed form).
 */
public record StepLR(double baseLr, long stepSize, double gamma) implements LrSchedule {
    public StepLR {
        if (stepSize <= 0) throw new IllegalArgumentException("StepLR: stepSize must be > 0, got " + stepSize);
        if (!(baseLr >= 0)) throw new IllegalArgumentException("StepLR: baseLr must be >= 0, got " + baseLr);
    }

    @Override
    public double lrAt(long step) {
        return baseLr * Math.pow(gamma, Math.floorDiv(step, stepSize));
    }
}
