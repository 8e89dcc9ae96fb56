package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.SampleRandom;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * Additive shifts in HSV (as albumentations' {@code HueSaturationValue}, but on continuous HSV rather
 * than OpenCV's uint8 ranges): hue += U(±hueDegrees)/360 of a turn (wrapping), saturation +=
 * U(±saturation) and value += U(±value), both on [0, 1] and clamped. One pass per pixel. Unlike
 * {@link ColorJitter}, whose saturation and brightness are multiplicative factors, these shifts also
 * colour grey pixels' value and can desaturate fully. 1-channel images are left unchanged.
 */
public final class HsvJitter implements Transform<HsvJitter.Shift> {
    /** hue in turns, saturation and value on [0, 1]. */
    public record Shift(double hue, double saturation, double value) implements Params {
    }

    private final double hueDegrees;
    private final double saturation;
    private final double value;

    public HsvJitter(double hueDegrees, double saturation, double value) {
        if (!(hueDegrees >= 0 && hueDegrees <= 180)) {
            throw new IllegalArgumentException("hsv_jitter: hue must be in [0, 180] degrees, got " + hueDegrees);
        }
        if (!(saturation >= 0 && saturation <= 1)) {
            throw new IllegalArgumentException("hsv_jitter: saturation must be in [0, 1], got " + saturation);
        }
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("hsv_jitter: value must be in [0, 1], got " + value);
        }
        this.hueDegrees = hueDegrees;
        this.saturation = saturation;
        this.value = value;
    }

    @Override
    public String name() {
        return "hsv_jitter";
    }

    @Override
    public Shift draw(SplittableRandom rng, ImageSize input) {
        return new Shift(SampleRandom.uniform(rng, -hueDegrees, hueDegrees) / 360.0,
                SampleRandom.uniform(rng, -saturation, saturation), SampleRandom.uniform(rng, -value, value));
    }

    @Override
    public Sample apply(Shift p, Sample sample) {
        if (sample.image().channels() == 1) {
            return sample;
        }
        io.ringtrain.jobs.augment.Image img = sample.image();
        float[] out = new float[img.data().length];
        Hsv.shift(img.data(), out, img.width() * img.height(), (float) p.hue(), (float) p.saturation(), 1, (float) p.value(), 1);
        return sample.withImage(io.ringtrain.jobs.augment.Image.wrapChw(3, img.width(), img.height(), out));
    }
}
