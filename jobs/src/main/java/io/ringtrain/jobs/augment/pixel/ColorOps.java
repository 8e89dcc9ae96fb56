package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.Image;

/**
 * The deterministic colour adjustments, as torchvision 0.14 defines them on float tensors, on the
 * 0..255 scale of {@link Image} (so torchvision's clamp to [0, 1] is a clamp to [0, 255] here):
 * <pre>
 *   grey(r, g, b)         = 0.2989·r + 0.587·g + 0.114·b            (rgb_to_grayscale)
 *   brightness(x, f)      = clamp(f·x)
 *   contrast(x, f)        = clamp(f·x + (1 − f)·m),  m = mean of grey over the whole image
 *                           (around the grey mean, not around 0 or 0.5 as some libraries do;
 *                            for a 1-channel image m is the mean of the image)
 *   saturation(x, f)      = clamp(f·x + (1 − f)·grey(pixel))        (1-channel images: unchanged)
 *   hue(x, δ)             = hsv→rgb(h + δ mod 1, s, v) with torchvision's _rgb2hsv/_hsv2rgb, δ ∈ [−0.5, 0.5]
 * </pre>
 */
public final class ColorOps {
    static final float R_WEIGHT = 0.2989f;
    static final float G_WEIGHT = 0.587f;
    static final float B_WEIGHT = 0.114f;

    private ColorOps() {
    }

    static float clamp255(float v) {
        return v < 0 ? 0 : (v > 255 ? 255 : v);
    }

    public static Image brightness(Image img, double factor) {
        float f = (float) factor;
        float[] in = img.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = clamp255(f * in[i]);
        }
        return Image.wrapChw(img.channels(), img.width(), img.height(), out);
    }

    /** Mean grey level over the whole image. */
    public static double meanGrey(Image img) {
        float[] in = img.data();
        int plane = img.width() * img.height();
        double sum = 0;
        if (img.channels() == 1) {
            for (int i = 0; i < plane; i++) {
                sum += in[i];
            }
        } else {
            for (int i = 0; i < plane; i++) {
                sum += R_WEIGHT * in[i] + G_WEIGHT * in[plane + i] + B_WEIGHT * in[2 * plane + i];
            }
        }
        return sum / plane;
    }

    public static Image contrast(Image img, double factor) {
        float f = (float) factor;
        float offset = (float) ((1 - factor) * meanGrey(img));
        float[] in = img.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = clamp255(f * in[i] + offset);
        }
        return Image.wrapChw(img.channels(), img.width(), img.height(), out);
    }

    public static Image saturation(Image img, double factor) {
        if (img.channels() == 1) {
            return img;
        }
        float f = (float) factor;
        float g = 1 - f;
        float[] in = img.data();
        float[] out = new float[in.length];
        int plane = img.width() * img.height();
        for (int i = 0; i < plane; i++) {
            float r = in[i];
            float gr = in[plane + i];
            float b = in[2 * plane + i];
            float grey = g * (R_WEIGHT * r + G_WEIGHT * gr + B_WEIGHT * b);
            out[i] = clamp255(f * r + grey);
            out[plane + i] = clamp255(f * gr + grey);
            out[2 * plane + i] = clamp255(f * b + grey);
        }
        return Image.wrapChw(3, img.width(), img.height(), out);
    }

    public static Image hue(Image img, double hueShift) {
        if (img.channels() == 1 || hueShift == 0) {
            return img;
        }
        return Hsv.shift(img, (float) hueShift, 0, 1, 0, 1);
    }
}
