package io.ringtrain.jobs.api;

import io.ringtrain.jobs.train.LossFunction;

import java.util.Objects;

/**
 * What {@link RingTrain} trains the model to do. {@link #classification()}: cross-entropy over an
 * image (or bert-encoder) model's logits, the default; {@link #perToken()}: per-token cross-entropy,
 * the objective of the text models (char-lstm, char-transformer, seq2seq-transformer) on text data;
 * {@link #loss}: the user's {@link LossFunction} over an image classifier's logits, with arg-max
 * accuracy reported as for classification.
 */
public final class Objective {
    enum Kind { CLASSIFICATION, PER_TOKEN, LOSS }

    private final Kind kind;
    private final LossFunction loss;

    private Objective(Kind kind, LossFunction loss) {
        this.kind = kind;
        this.loss = loss;
    }

    public static Objective classification() {
        return new Objective(Kind.CLASSIFICATION, null);
    }

    public static Objective perToken() {
        return new Objective(Kind.PER_TOKEN, null);
    }

    /** The user's loss, e.g. {@code (logits, batch) -> ...} built from engine tensor operations; see {@link LossFunction}. */
    public static Objective loss(LossFunction loss) {
        return new Objective(Kind.LOSS, Objects.requireNonNull(loss, "loss"));
    }

    Kind kind() {
        return kind;
    }

    LossFunction lossFunction() {
        return loss;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CLASSIFICATION -> "classification";
            case PER_TOKEN -> "per-token";
            case LOSS -> "loss " + loss.getClass().getName();
        };
    }
}
