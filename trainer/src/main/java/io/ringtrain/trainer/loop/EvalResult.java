package io.ringtrain.trainer.loop;

/** Evaluation over every rank's share of a dataset: mean loss, accuracy ({@link Objective#accuracySum} / count) and the count. */
public record EvalResult(double loss, double accuracy, long count) {}
