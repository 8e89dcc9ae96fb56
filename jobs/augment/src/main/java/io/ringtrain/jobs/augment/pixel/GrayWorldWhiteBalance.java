package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * Gray-world white balance: assumes the scene averages to grey, so each channel c is scaled by
 * m / m_c where m_c is the channel's mean and m = (m_R + m_G + m_B)/3, then clamped to [0, 255]. A
 * channel with mean 0 is left as is. 1-channel images are unchanged.
 */
public final class GrayWorldWhiteBalance implements Transform<Params.None> {
    @Override
    public String name() {
        return "gray_world";
    }

    @Override
    public Params.None draw(SplittableRandom rng, ImageSize input) {
        return Params.None.INSTANCE;
    }

    @Override
    public Sample apply(Params.None params, Sample sample) {
        Image img = sample.image();
        if (img.channels() == 1) {
            return sample;
        }
        int plane = img.width() * img.height();
        float[] in = img.data();
        double[] means = new double[3];
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int i = 0; i < plane; i++) {
                sum += in[c * plane + i];
            }
            means[c] = sum / plane;
        }
        double grey = (means[0] + means[1] + means[2]) / 3;
        float[] out = new float[in.length];
        for (int c = 0; c < 3; c++) {
            float gain = means[c] > 0 ? (float) (grey / means[c]) : 1f;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = ColorOps.clamp255(gain * in[i]);
            }
        }
        return sample.withImage(Image.wrapChw(3, img.width(), img.height(), out));
    }
}
