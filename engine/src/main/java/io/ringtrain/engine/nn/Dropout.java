package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.DropoutOps;

import java.util.SplittableRandom;

/**
 * Inverted dropout, as PyTorch's {@code nn.Dropout}: in training each element is zeroed with
 * probability p and the survivors are scaled by 1/(1−p), so evaluation is the identity and needs no
 * rescaling. The mask is drawn from an explicit generator when one is given, otherwise from the
 * thread's seeded {@link Init#rng()} (so a seeded run is reproducible).
 */
public class Dropout extends Module {
    private final float p;
    private final SplittableRandom generator;

    public Dropout(float p) {
        this(p, null);
    }

    public Dropout(float p, SplittableRandom generator) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("Dropout(p=" + p + "): p must be in [0, 1)");
        this.p = p;
        this.generator = generator;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (!isTraining() || p == 0f) return input;
        return apply(input, p, generator != null ? generator : Init.rng());
    }

    /** One dropout application (training semantics) with the given generator. */
    public static Tensor apply(Tensor input, float p, SplittableRandom rng) {
        return DropoutOps.dropout(input, p, rng);
    }

    public float p() {
        return p;
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
