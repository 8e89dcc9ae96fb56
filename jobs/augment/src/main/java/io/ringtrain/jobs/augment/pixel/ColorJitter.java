package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.SampleRandom;
import io.ringtrain.jobs.augment.Transform;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * torchvision's {@code ColorJitter(brightness, contrast, saturation, hue)}: factors drawn from
 * [max(0, 1 − b), 1 + b] (likewise contrast, saturation) and a hue shift from [−h, h], applied in a
 * random order of the four (a permutation per sample). A strength of 0 leaves that adjustment out.
 */
public final class ColorJitter implements Transform<ColorJitter.Drawn> {
    /** {@code order} lists the adjustments (0 brightness, 1 contrast, 2 saturation, 3 hue) in the order applied. */
    public record Drawn(int[] order, double brightness, double contrast, double saturation, double hue) implements Params {
        @Override
        public String toString() {
            return "Drawn[order=" + Arrays.toString(order) + ", brightness=" + brightness + ", contrast=" + contrast
                    + ", saturation=" + saturation + ", hue=" + hue + "]";
        }
    }

    private final double brightness;
    private final double contrast;
    private final double saturation;
    private final double hue;

    public ColorJitter(double brightness, double contrast, double saturation, double hue) {
        check("brightness", brightness);
        check("contrast", contrast);
        check("saturation", saturation);
        if (!(hue >= 0 && hue <= 0.5)) {
            throw new IllegalArgumentException("color_jitter: hue must be in [0, 0.5], got " + hue);
        }
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.hue = hue;
    }

    private static void check(String name, double v) {
        if (!(v >= 0)) {
            throw new IllegalArgumentException("color_jitter: " + name + " must be >= 0, got " + v);
        }
    }

    @Override
    public String name() {
        return "color_jitter";
    }

    @Override
    public Drawn draw(SplittableRandom rng, ImageSize input) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double b = brightness > 0 ? SampleRandom.uniform(rng, Math.max(0, 1 - brightness), 1 + brightness) : 1;
        double c = contrast > 0 ? SampleRandom.uniform(rng, Math.max(0, 1 - contrast), 1 + contrast) : 1;
        double s = saturation > 0 ? SampleRandom.uniform(rng, Math.max(0, 1 - saturation), 1 + saturation) : 1;
        double h = hue > 0 ? SampleRandom.uniform(rng, -hue, hue) : 0;
        return new Drawn(order, b, c, s, h);
    }

    @Override
    public Sample apply(Drawn p, Sample sample) {
        Image img = sample.image();
        int plane = img.width() * img.height();
        boolean colour = img.channels() == 3;
        // the first adjustment reads the input and writes a buffer we own; the rest work in place on it
        float[] src = img.data();
        float[] buf = new float[src.length];
        boolean written = false;
        for (int step : p.order()) {
            float[] in = written ? buf : src;
            switch (step) {
                case 0 -> {
                    if (brightness > 0) {
                        ColorOps.brightness(in, buf, p.brightness());
                        written = true;
                    }
                }
                case 1 -> {
                    if (contrast > 0) {
                        ColorOps.contrast(in, buf, img.channels(), plane, p.contrast());
                        written = true;
                    }
                }
                case 2 -> {
                    if (saturation > 0 && colour) {
                        ColorOps.saturation(in, buf, plane, p.saturation());
                        written = true;
                    }
                }
                default -> {
                    if (hue > 0 && colour && p.hue() != 0) {
                        Hsv.shift(in, buf, plane, (float) p.hue(), 0, 1, 0, 1);
                        written = true;
                    }
                }
            }
        }
        return written ? sample.withImage(Image.wrapChw(img.channels(), img.width(), img.height(), buf)) : sample;
    }
}
