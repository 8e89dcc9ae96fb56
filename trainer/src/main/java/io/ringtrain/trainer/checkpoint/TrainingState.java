package io.ringtrain.trainer.checkpoint;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.optim.OptimizerState;

import java.util.Map;

/**
 * Everything a resumed run needs to continue the same trajectory: weights and buffers, optimizer
 * state, and the cursor (the next epoch and micro-step, the optimizer-step count that drives the LR
 * schedule). Data order and dropout are functions of (seed, epoch, step), so no generator state is
 * stored beyond the seed in {@code info}.
 */
public record TrainingState(long globalStep, int epoch, int microStep, Map<String, Tensor> model,
                            OptimizerState optimizer, Map<String, String> info) {}
