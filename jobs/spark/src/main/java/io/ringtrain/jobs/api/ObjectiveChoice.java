package io.ringtrain.jobs.api;

import io.ringtrain.jobs.models.ModelZoo;
import io.ringtrain.jobs.train.TrainJobConfig;

/**
 * Reconciles the objective asked for with what the data and model train: the text models
 * (char-lstm, char-transformer, seq2seq-transformer on format text or text-pairs) train per-token,
 * everything else (image models, the user's models, bert-encoder) by classification. An objective
 * that does not fit is refused, naming the model and format, rather than silently replaced.
 */
final class ObjectiveChoice {
    private ObjectiveChoice() {}

    /** Checks {@code objective} (null: the model's own) against {@code config}, and records a loss function in it. */
    static void apply(Objective objective, TrainJobConfig config) {
        if (objective == null) return;
        boolean perToken = config.trainsOnText() && !ModelZoo.isTextClassifier(config.model.name);
        String trains = "model " + config.model.label() + " on format " + config.input.format;
        switch (objective.kind()) {
            case CLASSIFICATION -> {
                if (perToken) {
                    throw new IllegalArgumentException("RingTrain: objective classification does not fit " + trains
                            + ", which trains per-token; use Objective.perToken(), or bert-encoder to classify text");
                }
            }
            case PER_TOKEN -> {
                if (!perToken) {
                    throw new IllegalArgumentException("RingTrain: objective per-token trains the text models " + ModelZoo.TEXT_NAMES
                            + " (not bert-encoder) on format text or text-pairs, not " + trains + "; use Objective.classification() or a loss function");
                }
            }
            case LOSS -> {
                if (config.trainsOnText()) {
                    throw new IllegalArgumentException("RingTrain: a loss function trains image classifiers (logits [n, numClasses]), not " + trains
                            + "; leave the objective to the text model");
                }
                config.lossFunction(objective.lossFunction());
            }
        }
    }
}
