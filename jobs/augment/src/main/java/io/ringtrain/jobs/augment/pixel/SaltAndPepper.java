package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * Salt-and-pepper noise: each pixel independently, with probability {@code amount}, becomes white (255
 * in every channel; "salt") with probability {@code saltRatio} or else black (0; "pepper"), as
 * scikit-image's {@code random_noise(mode="s&p")} but per pixel rather than per channel value, so that
 * colour images get white and black dots, not coloured ones.
 */
public final class SaltAndPepper implements Transform<SaltAndPepper.Drawn> {
    public record Drawn(long noiseSeed) implements Params {
    }

    private final double amount;
    private final double saltRatio;

    public SaltAndPepper(double amount, double saltRatio) {
        if (!(amount >= 0 && amount <= 1)) {
            throw new IllegalArgumentException("salt_and_pepper: amount must be in [0, 1], got " + amount);
        }
        if (!(saltRatio >= 0 && saltRatio <= 1)) {
            throw new IllegalArgumentException("salt_and_pepper: salt_ratio must be in [0, 1], got " + saltRatio);
        }
        this.amount = amount;
        this.saltRatio = saltRatio;
    }

    @Override
    public String name() {
        return "salt_and_pepper";
    }

    @Override
    public Drawn draw(SplittableRandom rng, ImageSize input) {
        return new Drawn(rng.nextLong());
    }

    @Override
    public Sample apply(Drawn p, Sample sample) {
        Image img = sample.image();
        SplittableRandom noise = new SplittableRandom(p.noiseSeed());
        float[] out = img.data().clone();
        int plane = img.width() * img.height();
        for (int i = 0; i < plane; i++) {
            if (noise.nextDouble() < amount) {
                float v = noise.nextDouble() < saltRatio ? 255f : 0f;
                for (int c = 0; c < img.channels(); c++) {
                    out[c * plane + i] = v;
                }
            }
        }
        return sample.withImage(Image.wrapChw(img.channels(), img.width(), img.height(), out));
    }
}
