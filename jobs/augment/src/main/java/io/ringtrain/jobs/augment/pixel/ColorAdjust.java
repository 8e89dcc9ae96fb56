package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.SampleRandom;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * One colour adjustment ({@link ColorOps}) with its factor drawn uniformly from [min, max]:
 * brightness, contrast and saturation factors are ≥ 0 (1 = unchanged); the hue shift is in
 * [−0.5, 0.5] of a full turn (0 = unchanged). Boxes are unchanged.
 */
public final class ColorAdjust implements Transform<ColorAdjust.Factor> {
    public enum Kind {
        BRIGHTNESS, CONTRAST, SATURATION, HUE;

        public String specName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        Image apply(Image img, double factor) {
            return switch (this) {
                case BRIGHTNESS -> ColorOps.brightness(img, factor);
                case CONTRAST -> ColorOps.contrast(img, factor);
                case SATURATION -> ColorOps.saturation(img, factor);
                case HUE -> ColorOps.hue(img, factor);
            };
        }
    }

    public record Factor(double value) implements Params {
    }

    private final Kind kind;
    private final double min;
    private final double max;

    public ColorAdjust(Kind kind, double min, double max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException(kind.specName() + ": factor range must be [min, max] with min <= max, got [" + min + ", " + max + "]");
        }
        if (kind == Kind.HUE ? !(min >= -0.5 && max <= 0.5) : !(min >= 0)) {
            throw new IllegalArgumentException(kind.specName() + ": factor range " + (kind == Kind.HUE ? "must lie in [-0.5, 0.5]" : "must be >= 0")
                    + ", got [" + min + ", " + max + "]");
        }
        this.kind = kind;
        this.min = min;
        this.max = max;
    }

    @Override
    public String name() {
        return kind.specName();
    }

    @Override
    public Factor draw(SplittableRandom rng, ImageSize input) {
        return new Factor(SampleRandom.uniform(rng, min, max));
    }

    @Override
    public Sample apply(Factor params, Sample sample) {
        return sample.withImage(kind.apply(sample.image(), params.value()));
    }
}
