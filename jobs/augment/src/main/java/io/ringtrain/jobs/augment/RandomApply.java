package io.ringtrain.jobs.augment;

import java.util.SplittableRandom;

/** Applies its transform with probability {@code p}; every transform in a spec accepts {@code p} this way. */
public final class RandomApply implements Transform<RandomApply.Decision> {
    /** {@code params} is null when the transform was skipped. */
    public record Decision(boolean applied, Params params) implements Params {
    }

    private final Transform<?> transform;
    private final double p;

    public RandomApply(Transform<?> transform, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(transform.name() + ": p must be in [0, 1], got " + p);
        }
        this.transform = transform;
        this.p = p;
    }

    public Transform<?> transform() {
        return transform;
    }

    public double p() {
        return p;
    }

    @Override
    public String name() {
        return transform.name();
    }

    @Override
    public Decision draw(SplittableRandom rng, ImageSize input) {
        boolean applied = rng.nextDouble() < p;
        return new Decision(applied, applied ? transform.draw(rng, input) : null);
    }

    @Override
    public Sample apply(Decision params, Sample sample) {
        return params.applied() ? transform.applyErased(params.params(), sample) : sample;
    }

    @Override
    public ImageSize outputSize(Decision params, ImageSize input) {
        return params.applied() ? transform.outputSizeErased(params.params(), input) : input;
    }
}
