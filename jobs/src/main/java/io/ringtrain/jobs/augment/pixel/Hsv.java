package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.Image;

/**
 * One pass rgb → hsv → adjust → rgb per pixel, with torchvision's {@code _rgb2hsv} and
 * {@code _hsv2rgb} (0.14) on values scaled to [0, 1]:
 * <pre>
 *   v = max, s = (max − min)/max (0 when max = min), h from the sector of the maximum, h ∈ [0, 1)
 *   h' = (h + hueShift) mod 1,  s' = clamp01(s·satScale + satShift),  v' = clamp01(v·valScale + valShift)
 * </pre>
 * (torchvision's adjust_hue uses hueShift only; the shifts and scales serve {@link HsvJitter}).
 */
final class Hsv {
    private Hsv() {
    }

    static Image shift(Image img, float hueShift, float satShift, float satScale, float valShift, float valScale) {
        int plane = img.width() * img.height();
        float[] in = img.data();
        float[] out = new float[in.length];
        final float inv255 = 1f / 255f;
        boolean onlyHue = satShift == 0 && satScale == 1 && valShift == 0 && valScale == 1;
        for (int i = 0; i < plane; i++) {
            float r = in[i] * inv255;
            float g = in[plane + i] * inv255;
            float b = in[2 * plane + i] * inv255;
            float maxc = Math.max(r, Math.max(g, b));
            float minc = Math.min(r, Math.min(g, b));
            boolean eqc = maxc == minc;
            float cr = maxc - minc;
            float s = cr / (eqc ? 1f : maxc);
            float crDivisor = eqc ? 1f : cr;
            float rc = (maxc - r) / crDivisor;
            float gc = (maxc - g) / crDivisor;
            float bc = (maxc - b) / crDivisor;
            float h;
            if (maxc == r) {
                h = bc - gc;
            } else if (maxc == g) {
                h = 2.0f + rc - bc;
            } else {
                h = 4.0f + gc - rc;
            }
            h = fmod(h / 6.0f + 1.0f);
            float v = maxc;
            h = h + hueShift;
            h = h - (float) Math.floor(h); // Python's % 1.0: result in [0, 1)
            if (!onlyHue) {
                s = clamp01(s * satScale + satShift);
                v = clamp01(v * valScale + valShift);
            }
            // _hsv2rgb
            float h6 = h * 6.0f;
            float fi = (float) Math.floor(h6);
            float f = h6 - fi;
            int sector = ((int) fi) % 6;
            if (sector < 0) {
                sector += 6;
            }
            float p = clamp01(v * (1.0f - s));
            float q = clamp01(v * (1.0f - s * f));
            float t = clamp01(v * (1.0f - s * (1.0f - f)));
            float ro, go, bo;
            switch (sector) {
                case 0 -> { ro = v; go = t; bo = p; }
                case 1 -> { ro = q; go = v; bo = p; }
                case 2 -> { ro = p; go = v; bo = t; }
                case 3 -> { ro = p; go = q; bo = v; }
                case 4 -> { ro = t; go = p; bo = v; }
                default -> { ro = v; go = p; bo = q; }
            }
            out[i] = ro * 255f;
            out[plane + i] = go * 255f;
            out[2 * plane + i] = bo * 255f;
        }
        return Image.wrapChw(3, img.width(), img.height(), out);
    }

    /** torch.fmod(x, 1.0) for x ≥ 0 (here x ∈ [0, 2)). */
    private static float fmod(float x) {
        return x >= 1f ? x - 1f : x;
    }

    private static float clamp01(float v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }
}
