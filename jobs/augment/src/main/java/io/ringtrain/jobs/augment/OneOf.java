package io.ringtrain.jobs.augment;

import java.util.List;
import java.util.SplittableRandom;

/** Applies exactly one of its transforms, chosen with probability proportional to its weight. */
public final class OneOf implements Transform<OneOf.Chosen> {
    public record Chosen(int index, Params params) implements Params {
    }

    private final List<Transform<?>> transforms;
    private final double[] cumulativeWeights;

    public OneOf(List<? extends Transform<?>> transforms, double[] weights) {
        if (transforms.isEmpty()) {
            throw new IllegalArgumentException("one_of: transforms must not be empty");
        }
        if (weights == null) {
            weights = new double[transforms.size()];
            java.util.Arrays.fill(weights, 1.0);
        }
        if (weights.length != transforms.size()) {
            throw new IllegalArgumentException("one_of: weights has " + weights.length + " entries for " + transforms.size() + " transforms");
        }
        this.transforms = List.copyOf(transforms);
        this.cumulativeWeights = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0)) {
                throw new IllegalArgumentException("one_of: weights[" + i + "] must be >= 0, got " + weights[i]);
            }
            sum += weights[i];
            cumulativeWeights[i] = sum;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("one_of: weights must not all be 0");
        }
    }

    public static OneOf of(Transform<?>... transforms) {
        return new OneOf(List.of(transforms), null);
    }

    @Override
    public String name() {
        return "one_of";
    }

    @Override
    public Chosen draw(SplittableRandom rng, ImageSize input) {
        double u = rng.nextDouble() * cumulativeWeights[cumulativeWeights.length - 1];
        int index = 0;
        while (index < cumulativeWeights.length - 1 && u >= cumulativeWeights[index]) {
            index++;
        }
        return new Chosen(index, transforms.get(index).draw(rng, input));
    }

    @Override
    public Sample apply(Chosen params, Sample sample) {
        return transforms.get(params.index()).applyErased(params.params(), sample);
    }

    @Override
    public ImageSize outputSize(Chosen params, ImageSize input) {
        return transforms.get(params.index()).outputSizeErased(params.params(), input);
    }
}
