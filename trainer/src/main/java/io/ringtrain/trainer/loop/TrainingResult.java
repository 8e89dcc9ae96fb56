package io.ringtrain.trainer.loop;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}: one report per epoch run in this call, the final evaluation and
 * timings. {@code targetReached}: training ended before its last epoch because the evaluation reached
 * {@link Trainer.Builder#optStopAtAccuracy}'s target.
 */
public record TrainingResult(List<TrainingListener.EpochReport> epochs, EvalResult finalEval, long optimizerSteps,
                             double seconds, double hiddenCommShare, boolean targetReached) {}
