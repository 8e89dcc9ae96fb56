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
 * Each kernel reads {@code in} and writes {@code out}, which may be the same array (the colour
 * jitter chains them in place on one buffer it owns).
 */
public final class ColorOps {
    static final float R_WEIGHT = 0.2989f;
    static final float G_WEIGHT = 0.587f;
    static final float B_WEIGHT = 0.114f;

    private ColorOps() {
    }

    static float clamp255(float v) {
        return Math.max(0f, Math.min(255f, v)); // min/max are intrinsics that vectorise
    }

    public static Image brightness(Image img, double factor) {
        float[] out = new float[img.data().length];
        brightness(img.data(), out, factor);
        return Image.wrapChw(img.channels(), img.width(), img.height(), out);
    }

    static void brightness(float[] in, float[] out, double factor) {
        float f = (float) factor;
        for (int i = 0; i < in.length; i++) {
            out[i] = Math.max(0f, Math.min(255f, f * in[i]));
        }
    }

    /** Mean grey level over the whole image. */
    public static double meanGrey(Image img) {
        return meanGrey(img.data(), img.channels(), img.width() * img.height());
    }

    static double meanGrey(float[] in, int channels, int plane) {
        // float partial sums over short runs, accumulated in double: vectorises and stays exact enough
        double sum = 0;
        for (int start = 0; start < plane; start += 1024) {
            int end = Math.min(plane, start + 1024);
            float partial = 0;
            if (channels == 1) {
                for (int i = start; i < end; i++) {
                    partial += in[i];
                }
            } else {
                for (int i = start; i < end; i++) {
                    partial += R_WEIGHT * in[i] + G_WEIGHT * in[plane + i] + B_WEIGHT * in[2 * plane + i];
                }
            }
            sum += partial;
        }
        return sum / plane;
    }

    public static Image contrast(Image img, double factor) {
        float[] out = new float[img.data().length];
        contrast(img.data(), out, img.channels(), img.width() * img.height(), factor);
        return Image.wrapChw(img.channels(), img.width(), img.height(), out);
    }

    static void contrast(float[] in, float[] out, int channels, int plane, double factor) {
        float f = (float) factor;
        float offset = (float) ((1 - factor) * meanGrey(in, channels, plane));
        for (int i = 0; i < in.length; i++) {
            out[i] = Math.max(0f, Math.min(255f, f * in[i] + offset));
        }
    }

    public static Image saturation(Image img, double factor) {
        if (img.channels() == 1) {
            return img;
        }
        float[] out = new float[img.data().length];
        saturation(img.data(), out, img.width() * img.height(), factor);
        return Image.wrapChw(3, img.width(), img.height(), out);
    }

    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    static void saturation(float[] in, float[] out, int plane, double factor) {
        int done = VECTOR_API ? SaturationVector.saturation(in, out, plane, (float) factor) : 0;
        saturationScalar(in, out, done, plane, plane, (float) factor);
    }

    /** The scalar reference, for pixels [from, to). */
    static void saturationScalar(float[] in, float[] out, int from, int to, int plane, float f) {
        float g = 1 - f;
        for (int i = from; i < to; i++) {
            float r = in[i];
            float gr = in[plane + i];
            float b = in[2 * plane + i];
            float grey = g * (R_WEIGHT * r + G_WEIGHT * gr + B_WEIGHT * b);
            out[i] = Math.max(0f, Math.min(255f, f * r + grey));
            out[plane + i] = Math.max(0f, Math.min(255f, f * gr + grey));
            out[2 * plane + i] = Math.max(0f, Math.min(255f, f * b + grey));
        }
    }

    public static Image hue(Image img, double hueShift) {
        if (img.channels() == 1 || hueShift == 0) {
            return img;
        }
        float[] out = new float[img.data().length];
        Hsv.shift(img.data(), out, img.width() * img.height(), (float) hueShift, 0, 1, 0, 1);
        return Image.wrapChw(3, img.width(), img.height(), out);
    }
}
