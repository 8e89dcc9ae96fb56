package io.ringtrain.jobs.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Applies its transforms in sequence; each draws for the image size the previous ones produce. */
public final class Compose implements Transform<Compose.Drawn> {
    public record Drawn(List<Params> steps) implements Params {
    }

    private final List<Transform<?>> transforms;

    public Compose(List<? extends Transform<?>> transforms) {
        this.transforms = List.copyOf(transforms);
    }

    public static Compose of(Transform<?>... transforms) {
        return new Compose(List.of(transforms));
    }

    public List<Transform<?>> transforms() {
        return transforms;
    }

    @Override
    public String name() {
        return "compose";
    }

    @Override
    public Drawn draw(SplittableRandom rng, ImageSize input) {
        List<Params> steps = new ArrayList<>(transforms.size());
        ImageSize size = input;
        for (Transform<?> t : transforms) {
            Params p = t.draw(rng, size);
            steps.add(p);
            size = t.outputSizeErased(p, size);
        }
        return new Drawn(steps);
    }

    @Override
    public Sample apply(Drawn params, Sample sample) {
        Sample s = sample;
        for (int i = 0; i < transforms.size(); i++) {
            s = transforms.get(i).applyErased(params.steps().get(i), s);
        }
        return s;
    }

    @Override
    public ImageSize outputSize(Drawn params, ImageSize input) {
        ImageSize size = input;
        for (int i = 0; i < transforms.size(); i++) {
            size = transforms.get(i).outputSizeErased(params.steps().get(i), size);
        }
        return size;
    }
}
