package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * out_c = (x_c / 255 − mean_c) / std_c, with mean and std on the 0..1 scale as torchvision's
 * {@code ToTensor} + {@code Normalize} use them (ImageNet: mean 0.485, 0.456, 0.406; std 0.229, 0.224,
 * 0.225). The result is no longer on the 0..255 scale, so this goes last in a pipeline.
 */
public final class Normalize implements Transform<Params.None> {
    private final double[] mean;
    private final double[] std;

    public Normalize(double[] mean, double[] std) {
        if (mean.length != std.length || (mean.length != 1 && mean.length != 3)) {
            throw new IllegalArgumentException("normalize: mean and std must both have 1 or 3 entries, got "
                    + mean.length + " and " + std.length);
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0)) {
                throw new IllegalArgumentException("normalize: std[" + c + "] must be > 0, got " + std[c]);
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public String name() {
        return "normalize";
    }

    @Override
    public Params.None draw(SplittableRandom rng, ImageSize input) {
        return Params.None.INSTANCE;
    }

    @Override
    public Sample apply(Params.None params, Sample sample) {
        Image img = sample.image();
        if (mean.length != 1 && mean.length != img.channels()) {
            throw new IllegalArgumentException("normalize: " + mean.length + " means for an image with " + img.channels() + " channels");
        }
        int plane = img.width() * img.height();
        float[] in = img.data();
        float[] out = new float[in.length];
        for (int c = 0; c < img.channels(); c++) {
            int k = mean.length == 1 ? 0 : c;
            float scale = (float) (1.0 / (255.0 * std[k]));
            float offset = (float) (-mean[k] / std[k]);
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = in[i] * scale + offset;
            }
        }
        return sample.withImage(Image.wrapChw(img.channels(), img.width(), img.height(), out));
    }
}
