package io.ringtrain.engine.loss;

/** How a loss combines its per-element values: their mean (PyTorch's default), their sum, or none (the per-element tensor). */
public enum Reduction {
    MEAN, SUM, NONE
}
