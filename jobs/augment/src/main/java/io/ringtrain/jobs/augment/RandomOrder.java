package io.ringtrain.jobs.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Applies all of its transforms, in an order drawn per sample (a uniform random permutation). */
public final class RandomOrder implements Transform<RandomOrder.Drawn> {
    /** {@code steps.get(k)} are the params of {@code transforms[order[k]]}, the k-th one applied. */
    public record Drawn(int[] order, List<Params> steps) implements Params {
        @Override
        public String toString() {
            return "Drawn[order=" + java.util.Arrays.toString(order) + ", steps=" + steps + "]";
        }
    }

    private final List<Transform<?>> transforms;

    public RandomOrder(List<? extends Transform<?>> transforms) {
        this.transforms = List.copyOf(transforms);
    }

    @Override
    public String name() {
        return "random_order";
    }

    @Override
    public Drawn draw(SplittableRandom rng, ImageSize input) {
        int n = transforms.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<Params> steps = new ArrayList<>(n);
        ImageSize size = input;
        for (int k = 0; k < n; k++) {
            Transform<?> t = transforms.get(order[k]);
            Params p = t.draw(rng, size);
            steps.add(p);
            size = t.outputSizeErased(p, size);
        }
        return new Drawn(order, steps);
    }

    @Override
    public Sample apply(Drawn params, Sample sample) {
        Sample s = sample;
        for (int k = 0; k < params.order().length; k++) {
            s = transforms.get(params.order()[k]).applyErased(params.steps().get(k), s);
        }
        return s;
    }

    @Override
    public ImageSize outputSize(Drawn params, ImageSize input) {
        ImageSize size = input;
        for (int k = 0; k < params.order().length; k++) {
            size = transforms.get(params.order()[k]).outputSizeErased(params.steps().get(k), size);
        }
        return size;
    }
}
