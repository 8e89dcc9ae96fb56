package io.ringtrain.engine.cpu;

/**
 * Scalar reference for {@link Im2col}: one branch per tap, the plain definition.
 * im2col / col2im for one image: x [C, H, W] ⇄ cols [C·kh·kw, OH·OW], where
 * OH = (H + 2·ph − dh·(kh−1) − 1)/sh + 1 (likewise OW). Padded taps read as 0 (im2col)
 * and are dropped (col2im). col2im accumulates into x, so the caller zeroes it first.
 */
public final class Im2colReference {
    private Im2colReference() {}

    /** See {@link Im2col#outSize}. */
    public static int outSize(int in, int kernel, int stride, int pad, int dilation) {
        return Im2col.outSize(in, kernel, stride, pad, dilation);
    }

    public static void im2col(float[] x, int xOff, int channels, int h, int w,
                              int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                              float[] cols, int colsOff) {
        int oh = outSize(h, kh, sh, ph, dh), ow = outSize(w, kw, sw, pw, dw);
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int xc = xOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int out = colsOff + row * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + ki * dh;
                        if (iy < 0 || iy >= h) {
                            for (int ox = 0; ox < ow; ox++) cols[out++] = 0f;
                            continue;
                        }
                        int xr = xc + iy * w;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * sw - pw + kj * dw;
                            cols[out++] = (ix >= 0 && ix < w) ? x[xr + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    public static void col2im(float[] cols, int colsOff, int channels, int h, int w,
                              int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                              float[] x, int xOff) {
        int oh = outSize(h, kh, sh, ph, dh), ow = outSize(w, kw, sw, pw, dw);
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int xc = xOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int in = colsOff + row * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + ki * dh;
                        if (iy < 0 || iy >= h) { in += ow; continue; }
                        int xr = xc + iy * w;
                        for (int ox = 0; ox < ow; ox++, in++) {
                            int ix = ox * sw - pw + kj * dw;
                            if (ix >= 0 && ix < w) x[xr + ix] += cols[in];
                        }
                    }
                }
            }
        }
    }
}
