package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Image;

/**
 * Resampling kernels shared by the geometric transforms. Each output pixel is computed once from the
 * input (one resampling per transform, however many parameters it combines).
 */
public final class Warp {
    private Warp() {
    }

    /**
     * Affine warp with a centred inverse matrix (see {@link AffineMatrix}), as torchvision's
     * {@code grid_sample(align_corners=False, padding_mode="zeros")} followed by its fill step:
     * with S = Σ wᵢ·vᵢ over the bilinear corners inside the image and mask = Σ of those wᵢ, a
     * bilinear sample is S·mask + (1 − mask)·fill. (torchvision multiplies the already zero-padded
     * sample by the mask once more, so pixels on the border of the warped picture come out a little
     * darker than Σ wᵢ·vᵢ + (1 − mask)·fill would give; we keep that to match it.) Inside the image,
     * mask = 1 and the sample is plain bilinear. A nearest sample is the pixel at round-half-even of
     * the position, or fill outside.
     */
    public static Image affine(Image src, double[] inv, int outW, int outH, Interpolation interp, float fill) {
        int w = src.width();
        int h = src.height();
        int channels = src.channels();
        int inPlane = w * h;
        int outPlane = outW * outH;
        float[] in = src.data();
        float[] out = new float[channels * outPlane];
        double inCx = (w - 1) * 0.5;
        double inCy = (h - 1) * 0.5;
        double outCx = (outW - 1) * 0.5;
        double outCy = (outH - 1) * 0.5;
        for (int y = 0; y < outH; y++) {
            double yo = y - outCy;
            // position of output pixel (0, y), then step by the first matrix column per pixel
            double sx = inv[0] * (-outCx) + inv[1] * yo + inv[2] + inCx;
            double sy = inv[3] * (-outCx) + inv[4] * yo + inv[5] + inCy;
            int row = y * outW;
            if (interp == Interpolation.NEAREST) {
                nearestRow(in, w, h, channels, inPlane, out, outPlane, row, outW, sx, sy, inv[0], inv[3], fill);
            } else {
                bilinearRow(in, w, h, channels, inPlane, out, outPlane, row, outW, sx, sy, inv[0], inv[3], fill);
            }
        }
        return Image.wrapChw(channels, outW, outH, out);
    }

    private static void nearestRow(float[] in, int w, int h, int channels, int inPlane, float[] out, int outPlane, int row, int outW,
                                   double sx, double sy, double dx, double dy, float fill) {
        for (int x = 0; x < outW; x++, sx += dx, sy += dy) {
            int o = row + x;
            int ix = (int) Math.rint(sx);
            int iy = (int) Math.rint(sy);
            if (ix >= 0 && ix < w && iy >= 0 && iy < h) {
                int i = iy * w + ix;
                for (int c = 0; c < channels; c++) {
                    out[c * outPlane + o] = in[c * inPlane + i];
                }
            } else {
                for (int c = 0; c < channels; c++) {
                    out[c * outPlane + o] = fill;
                }
            }
        }
    }

    private static void bilinearRow(float[] in, int w, int h, int channels, int inPlane, float[] out, int outPlane, int row, int outW,
                                    double sx, double sy, double dx, double dy, float fill) {
        for (int x = 0; x < outW; x++, sx += dx, sy += dy) {
            int o = row + x;
            if (sx < -1 || sy < -1 || sx >= w || sy >= h) { // no corner inside: all fill
                for (int c = 0; c < channels; c++) {
                    out[c * outPlane + o] = fill;
                }
                continue;
            }
            int x0 = (int) (sx + 1) - 1; // floor, as sx ≥ −1 here
            int y0 = (int) (sy + 1) - 1;
            float ax = (float) (sx - x0);
            float ay = (float) (sy - y0);
            float w00 = (1 - ax) * (1 - ay);
            float w01 = ax * (1 - ay);
            float w10 = (1 - ax) * ay;
            float w11 = ax * ay;
            int i = y0 * w + x0;
            if (x0 >= 0 && x0 + 1 < w && y0 >= 0 && y0 + 1 < h) {
                for (int c = 0, base = i; c < channels; c++, base += inPlane) {
                    out[c * outPlane + o] = w00 * in[base] + w01 * in[base + 1] + w10 * in[base + w] + w11 * in[base + w + 1];
                }
                continue;
            }
            boolean in00 = x0 >= 0 && y0 >= 0;
            boolean in01 = x0 + 1 < w && y0 >= 0;
            boolean in10 = x0 >= 0 && y0 + 1 < h;
            boolean in11 = x0 + 1 < w && y0 + 1 < h;
            float mask = (in00 ? w00 : 0) + (in01 ? w01 : 0) + (in10 ? w10 : 0) + (in11 ? w11 : 0);
            for (int c = 0, base = i; c < channels; c++, base += inPlane) {
                float v = 0;
                if (in00) {
                    v += w00 * in[base];
                }
                if (in01) {
                    v += w01 * in[base + 1];
                }
                if (in10) {
                    v += w10 * in[base + w];
                }
                if (in11) {
                    v += w11 * in[base + w + 1];
                }
                out[c * outPlane + o] = v * mask + (1 - mask) * fill;
            }
        }
    }

    /**
     * Crops the window (left, top, cropW, cropH), which must lie inside the image, and resizes it to
     * outW × outH, in one pass: {@code F.resized_crop} = {@code F.crop} then
     * {@code interpolate(size, align_corners=False, antialias=False)}. Bilinear source position
     * s = (d + 0.5)·in/out − 0.5, clamped at 0, neighbours ⌊s⌋ and min(⌊s⌋+1, in−1); nearest source
     * index min(⌊d·in/out⌋, in−1).
     */
    public static Image resizedCrop(Image src, int left, int top, int cropW, int cropH, int outW, int outH, Interpolation interp) {
        int w = src.width();
        int channels = src.channels();
        int inPlane = w * src.height();
        int outPlane = outW * outH;
        if (cropW == outW && cropH == outH && src.uint8() != null) { // plain crop of a uint8 image: a copy per row of its planes
            byte[] in8 = src.uint8();
            byte[] out8 = new byte[channels * outPlane];
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < outH; y++) {
                    System.arraycopy(in8, c * inPlane + (top + y) * w + left, out8, c * outPlane + y * outW, outW);
                }
            }
            return Image.wrapChwUint8(channels, outW, outH, out8);
        }
        float[] in = src.data();
        float[] out = new float[channels * outPlane];
        if (cropW == outW && cropH == outH) { // plain crop: a copy per row
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < outH; y++) {
                    System.arraycopy(in, c * inPlane + (top + y) * w + left, out, c * outPlane + y * outW, outW);
                }
            }
            return Image.wrapChw(channels, outW, outH, out);
        }
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] lx = new float[outW];
        axisTable(cropW, outW, left, interp, x0, x1, lx);
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        float[] ly = new float[outH];
        axisTable(cropH, outH, top, interp, y0, y1, ly);
        if (interp == Interpolation.NEAREST) {
            for (int c = 0; c < channels; c++) {
                int inBase = c * inPlane;
                for (int y = 0; y < outH; y++) {
                    int r0 = inBase + y0[y] * w;
                    int o = c * outPlane + y * outW;
                    for (int x = 0; x < outW; x++) {
                        out[o + x] = in[r0 + x0[x]];
                    }
                }
            }
            return Image.wrapChw(channels, outW, outH, out);
        }
        // Separable bilinear: each needed input row (at most two per output row) is interpolated
        // along x into a row buffer once (lerp between columns x0 and x1), then each output row is
        // a lerp between two buffered rows, a whole vector at a time. PyTorch's
        // h0·(w0·a + w1·b) + h1·(w0·c + w1·d), in that order, so the floats are the same as
        // interpolating each output pixel directly; but a row shared by neighbouring output rows is
        // interpolated once, and the second pass is contiguous.
        int[] slotOfRow = new int[cropH];
        java.util.Arrays.fill(slotOfRow, -1);
        int slots = 0;
        for (int y = 0; y < outH; y++) {
            if (slotOfRow[y0[y] - top] < 0) {
                slotOfRow[y0[y] - top] = slots++;
            }
            if (slotOfRow[y1[y] - top] < 0) {
                slotOfRow[y1[y] - top] = slots++;
            }
        }
        float[] rows = new float[slots * outW];
        for (int c = 0; c < channels; c++) {
            int inBase = c * inPlane;
            for (int r = 0; r < cropH; r++) {
                int slot = slotOfRow[r];
                if (slot < 0) {
                    continue;
                }
                int inRow = inBase + (top + r) * w;
                int dst = slot * outW;
                for (int x = 0; x < outW; x++) {
                    float wx1 = lx[x];
                    rows[dst + x] = (1 - wx1) * in[inRow + x0[x]] + wx1 * in[inRow + x1[x]];
                }
            }
            for (int y = 0; y < outH; y++) {
                int s0 = slotOfRow[y0[y] - top] * outW;
                int s1 = slotOfRow[y1[y] - top] * outW;
                float b = ly[y];
                float a = 1 - b;
                int o = c * outPlane + y * outW;
                int done = VECTOR_API ? RowLerpVector.lerp(rows, s0, s1, a, b, out, o, outW) : 0;
                lerpRowsScalar(rows, s0, s1, a, b, out, o, outW, done);
            }
        }
        return Image.wrapChw(channels, outW, outH, out);
    }

    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** The scalar reference: out[o + x] = a·rows[s0 + x] + b·rows[s1 + x] for x in [from, w). */
    static void lerpRowsScalar(float[] rows, int s0, int s1, float a, float b, float[] out, int o, int w, int from) {
        for (int x = from; x < w; x++) {
            out[o + x] = a * rows[s0 + x] + b * rows[s1 + x];
        }
    }

    private static void axisTable(int in, int out, int offset, Interpolation interp, int[] i0, int[] i1, float[] lambda) {
        float scale = (float) in / out; // PyTorch computes the scale in float for float images
        for (int d = 0; d < out; d++) {
            if (interp == Interpolation.NEAREST) {
                int s = Math.min((int) Math.floor(d * scale), in - 1);
                i0[d] = offset + s;
                i1[d] = offset + s;
                lambda[d] = 0;
            } else {
                float s = scale * (d + 0.5f) - 0.5f;
                if (s < 0) {
                    s = 0;
                }
                int s0 = (int) s;
                int s1 = s0 < in - 1 ? s0 + 1 : s0;
                i0[d] = offset + s0;
                i1[d] = offset + s1;
                lambda[d] = s - s0;
            }
        }
    }
}
