package io.ringtrain.engine.optim.schedule;

/**
 * A learning rate as a pure function of the optimizer step (0-based: the lr used by the first
 * step is {@code lrAt(0)}). Being pure, a resumed run only needs the step to be back where it was;
 * {@link LrScheduler} holds that position and applies it to an optimizer.
 *
 * <p>Closed forms of PyTorch's schedulers: {@link StepLR}, {@link CosineAnnealingLR},
 * {@link LinearWarmup} around another schedule, {@link PerEpoch} to advance any of them once per
 * epoch instead of once per step.
 */
@FunctionalInterface
public interface LrSchedule {
    double lrAt(long step);

    /** A constant learning rate. */
    static LrSchedule constant(double lr) {
        return step -> lr;
    }
}
