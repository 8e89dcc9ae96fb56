package io.ringtrain.jobs.api;

import io.ringtrain.jobs.models.SavedModel;

/**
 * What {@link RingTrain.Training#fit} returns: the trained model (weights, how to rebuild it,
 * normalisation, class names), its accuracy and mean loss on the test data (NaN without test data),
 * and the run folder holding checkpoints, metrics and the report.
 */
public record TrainedModel(SavedModel model, double testAccuracy, double testLoss, String runDir) {}
