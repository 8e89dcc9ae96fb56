package io.ringtrain.jobs.train;

import java.io.Serializable;

/**
 * How the weights are updated: the optimizer, its learning-rate schedule, gradient clipping and
 * accumulation. Part of {@link TrainJobConfig#optimization}; config files and flags name these
 * settings as before, without a prefix ({@code lr: 0.1}, {@code --lr 0.1}).
 */
public final class OptimizationSettings implements Serializable {
    /** sgd or adamw. */
    public OptimizerChoice optimizer = OptimizerChoice.SGD;
    public double lr = 0.05;
    public double momentum = 0.9;
    public double weightDecay = 5e-4;
    public boolean nesterov = false;
    /** cosine (per step, to 0), step (×0.1 every epoch/3), constant. */
    public ScheduleChoice schedule = ScheduleChoice.COSINE;
    public int warmupSteps = 0;
    public double clipGradNorm = 0;
    /** Micro-batches per optimizer step. */
    public int accumulationSteps = 1;

    /** Fails naming the first bad setting. */
    void validate() {
        TrainJobConfig.requireChosen(optimizer, "optimizer", OptimizerChoice.values());
        TrainJobConfig.requireChosen(schedule, "schedule", ScheduleChoice.values());
        TrainJobConfig.require(Double.isFinite(lr) && lr > 0, "lr", lr, "a finite number > 0");
        TrainJobConfig.require(Double.isFinite(momentum) && momentum >= 0, "momentum", momentum, "a finite number ≥ 0");
        TrainJobConfig.require(Double.isFinite(weightDecay) && weightDecay >= 0, "weightDecay", weightDecay, "a finite number ≥ 0");
        TrainJobConfig.require(!nesterov || optimizer == OptimizerChoice.SGD && momentum > 0, "nesterov", nesterov,
                "false unless optimizer is sgd with momentum > 0 (Nesterov momentum needs a momentum)");
        TrainJobConfig.require(warmupSteps >= 0, "warmupSteps", warmupSteps, "≥ 0");
        TrainJobConfig.require(Double.isFinite(clipGradNorm) && clipGradNorm >= 0, "clipGradNorm", clipGradNorm, "a finite number ≥ 0 (0: off)");
        TrainJobConfig.require(accumulationSteps >= 1, "accumulationSteps", accumulationSteps, "≥ 1");
    }
}
