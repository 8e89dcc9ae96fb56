package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.SampleRandom;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * Adds independent noise N(mean, σ²) to every value, in grey levels (0..255 scale), σ drawn uniformly
 * from [minSigma, maxSigma]; with {@code clip} the result is clamped to [0, 255]. The params hold the
 * noise seed rather than the noise, so they stay small and still replay exactly.
 */
public final class GaussianNoise implements Transform<GaussianNoise.Drawn> {
    public record Drawn(double sigma, long noiseSeed) implements Params {
    }

    private final double mean;
    private final double minSigma;
    private final double maxSigma;
    private final boolean clip;

    public GaussianNoise(double mean, double minSigma, double maxSigma, boolean clip) {
        if (!(minSigma >= 0)) {
            throw new IllegalArgumentException("gaussian_noise: sigma must be >= 0, got " + minSigma);
        }
        if (!(minSigma <= maxSigma)) {
            throw new IllegalArgumentException("gaussian_noise: sigma must be [min, max] with min <= max, got [" + minSigma + ", " + maxSigma + "]");
        }
        this.mean = mean;
        this.minSigma = minSigma;
        this.maxSigma = maxSigma;
        this.clip = clip;
    }

    @Override
    public String name() {
        return "gaussian_noise";
    }

    @Override
    public Drawn draw(SplittableRandom rng, ImageSize input) {
        return new Drawn(SampleRandom.uniform(rng, minSigma, maxSigma), rng.nextLong());
    }

    @Override
    public Sample apply(Drawn p, Sample sample) {
        Image img = sample.image();
        SplittableRandom noise = new SplittableRandom(p.noiseSeed());
        float[] in = img.data();
        float[] out = new float[in.length];
        float m = (float) mean;
        float s = (float) p.sigma();
        for (int i = 0; i < in.length; i++) {
            float v = in[i] + m + s * (float) noise.nextGaussian();
            out[i] = clip ? ColorOps.clamp255(v) : v;
        }
        return sample.withImage(Image.wrapChw(img.channels(), img.width(), img.height(), out));
    }
}
