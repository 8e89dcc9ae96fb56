package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * Histogram equalisation on grey levels (values are first rounded and clamped to 0..255, as equalising
 * needs a 256-bin histogram; torchvision only accepts uint8 here). The lookup table is torchvision's
 * (and PIL's {@code ImageOps.equalize}):
 * <pre>
 *   hist = 256-bin histogram;  step = ⌊(Σ of non-zero bins except the last non-zero one) / 255⌋
 *   step = 0 → unchanged;  else lut[0] = 0, lut[v] = min(255, ⌊(cumsum(hist)[v − 1] + ⌊step/2⌋) / step⌋)
 * </pre>
 * {@link Mode#PER_CHANNEL} equalises each channel on its own (torchvision, PIL); it shifts colours.
 * {@link Mode#LUMINANCE} equalises the luma Y = 0.299R + 0.587G + 0.114B (rounded) and adds each
 * pixel's change of Y to all three channels (a YCbCr round trip that keeps Cb and Cr), clamped.
 * 1-channel images are equalised directly in either mode.
 */
public final class Equalize implements Transform<Params.None> {
    public enum Mode { PER_CHANNEL, LUMINANCE }

    private final Mode mode;

    public Equalize(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return "equalize";
    }

    @Override
    public Params.None draw(SplittableRandom rng, ImageSize input) {
        return Params.None.INSTANCE;
    }

    @Override
    public Sample apply(Params.None params, Sample sample) {
        return sample.withImage(equalize(sample.image(), mode));
    }

    public static Image equalize(Image img, Mode mode) {
        int plane = img.width() * img.height();
        float[] in = img.data();
        float[] out = new float[in.length];
        if (mode == Mode.PER_CHANNEL || img.channels() == 1) {
            int[] levels = new int[plane];
            for (int c = 0; c < img.channels(); c++) {
                for (int i = 0; i < plane; i++) {
                    levels[i] = grey(in[c * plane + i]);
                }
                int[] lut = lut(levels);
                for (int i = 0; i < plane; i++) {
                    out[c * plane + i] = lut[levels[i]];
                }
            }
        } else {
            int[] luma = new int[plane];
            for (int i = 0; i < plane; i++) {
                luma[i] = grey(0.299f * in[i] + 0.587f * in[plane + i] + 0.114f * in[2 * plane + i]);
            }
            int[] lut = lut(luma);
            for (int i = 0; i < plane; i++) {
                float delta = lut[luma[i]] - luma[i];
                for (int c = 0; c < 3; c++) {
                    out[c * plane + i] = ColorOps.clamp255(in[c * plane + i] + delta);
                }
            }
        }
        return Image.wrapChw(img.channels(), img.width(), img.height(), out);
    }

    private static int grey(float v) {
        int r = Math.round(v);
        return r < 0 ? 0 : Math.min(r, 255);
    }

    /** The equalisation lookup table for one channel of grey levels. */
    static int[] lut(int[] levels) {
        long[] hist = new long[256];
        for (int v : levels) {
            hist[v]++;
        }
        int lastNonZero = -1;
        long nonZeroSum = 0;
        for (int v = 0; v < 256; v++) {
            if (hist[v] != 0) {
                nonZeroSum += hist[v];
                lastNonZero = v;
            }
        }
        long step = (nonZeroSum - (lastNonZero >= 0 ? hist[lastNonZero] : 0)) / 255;
        int[] lut = new int[256];
        if (step == 0) {
            for (int v = 0; v < 256; v++) {
                lut[v] = v;
            }
            return lut;
        }
        long cumulative = 0;
        for (int v = 0; v < 256; v++) {
            lut[v] = (int) Math.min(255, (cumulative + step / 2) / step);
            cumulative += hist[v];
        }
        return lut;
    }
}
