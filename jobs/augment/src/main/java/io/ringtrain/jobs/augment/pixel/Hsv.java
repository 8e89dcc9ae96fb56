package io.ringtrain.jobs.augment.pixel;

/**
 * One pass rgb → hsv → adjust → rgb per pixel, with torchvision's {@code _rgb2hsv} and
 * {@code _hsv2rgb} (0.14) on values scaled to [0, 1]:
 * <pre>
 *   v = max, s = (max − min)/max (0 when max = min), h from the sector of the maximum, h ∈ [0, 1)
 *   h' = (h + hueShift) mod 1,  s' = clamp01(s·satScale + satShift),  v' = clamp01(v·valScale + valShift)
 * </pre>
 * (torchvision's adjust_hue uses hueShift only; the shifts and scales serve {@link HsvJitter}).
 * {@code in} and {@code out} may be the same array.
 */
final class Hsv {
    private Hsv() {
    }

    /** Whether the Vector API module is present (the JVM was started with --add-modules jdk.incubator.vector). */
    static final boolean VECTOR_API = ColorOps.VECTOR_API;

    static void shift(float[] in, float[] out, int plane, float hueShift, float satShift, float satScale, float valShift, float valScale) {
        boolean onlyHue = satShift == 0 && satScale == 1 && valShift == 0 && valScale == 1;
        int done = VECTOR_API && Math.abs(hueShift) <= 1 ? HsvVector.shift(in, out, plane, hueShift, satShift, satScale, valShift, valScale, onlyHue) : 0;
        shiftScalar(in, out, done, plane, plane, hueShift, satShift, satScale, valShift, valScale, onlyHue);
    }

    /** The scalar reference, for pixels [from, to) of a plane of {@code plane} pixels. */
    static void shiftScalar(float[] in, float[] out, int from, int to, int plane, float hueShift, float satShift, float satScale,
                            float valShift, float valScale, boolean onlyHue) {
        final float inv255 = 1f / 255f;
        for (int i = from; i < to; i++) {
            float r = in[i] * inv255;
            float g = in[plane + i] * inv255;
            float b = in[2 * plane + i] * inv255;
            float maxc = Math.max(r, Math.max(g, b));
            float minc = Math.min(r, Math.min(g, b));
            float cr = maxc - minc;
            boolean grey = cr == 0; // torchvision: h = 0, s = 0 (divisors replaced by 1)
            float s = cr / (grey ? 1f : maxc);
            float inv = 1f / (grey ? 1f : cr);
            float rc = (maxc - r) * inv;
            float gc = (maxc - g) * inv;
            float bc = (maxc - b) * inv;
            // written as selects rather than if/else so that the JIT can use conditional moves:
            // random colours would mispredict these branches about half the time
            float h = maxc == r ? bc - gc : (maxc == g ? 2.0f + rc - bc : 4.0f + gc - rc);
            h = h * (1f / 6f) + 1.0f;
            h = h >= 1f ? h - 1f : h; // torch.fmod(h, 1.0) for h in [0, 2)
            float v = maxc;
            h += hueShift;
            h -= (float) Math.floor(h); // Python's % 1.0: result in [0, 1)
            if (!onlyHue) {
                s = Math.max(0f, Math.min(1f, s * satScale + satShift));
                v = Math.max(0f, Math.min(1f, v * valScale + valShift));
            }
            // _hsv2rgb without the sector switch: channel = v − v·s·clamp01(min(k, 4 − k)) with
            // k = (n + 6h) mod 6, n = 5, 3, 1 for r, g, b. This is the same piecewise-linear function
            // as torchvision's (v, t, p, q per sector), to float rounding.
            float h6 = h * 6.0f;
            float vs = v * s;
            float kr = h6 + 5f;
            kr = kr >= 6f ? kr - 6f : kr;
            float kg = h6 + 3f;
            kg = kg >= 6f ? kg - 6f : kg;
            float kb = h6 + 1f;
            kb = kb >= 6f ? kb - 6f : kb;
            float ro = v - vs * Math.max(0f, Math.min(1f, Math.min(kr, 4f - kr)));
            float go = v - vs * Math.max(0f, Math.min(1f, Math.min(kg, 4f - kg)));
            float bo = v - vs * Math.max(0f, Math.min(1f, Math.min(kb, 4f - kb)));
            out[i] = Math.max(0f, ro) * 255f;
            out[plane + i] = Math.max(0f, go) * 255f;
            out[2 * plane + i] = Math.max(0f, bo) * 255f;
        }
    }
}
