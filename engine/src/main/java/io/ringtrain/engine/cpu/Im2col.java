package io.ringtrain.engine.cpu;

/**
 * im2col / col2im for one image: x [C, H, W] ⇄ cols [C·kh·kw, OH·OW], where
 * OH = (H + 2·ph − dh·(kh−1) − 1)/sh + 1 (likewise OW). Padded taps read as 0 (im2col)
 * and are dropped (col2im). col2im accumulates into x, so the caller zeroes it first.
 * The image's patch matrix may sit inside a wider one (several images side by side, as a
 * convolution batches small images into one GEMM): {@code ldCols} is that matrix's row stride.
 *
 * <p>Same results as {@link Im2colReference} (bit for bit: the same copies, and the same
 * additions in the same order), without a bounds test per element: for each kernel tap and
 * output row, the output columns whose input column lies inside the image form one interval
 * [oxFirst, oxEnd), computed once; left and right of it are padding. With stride 1 the interval
 * is one contiguous copy.
 */
public final class Im2col {
    private Im2col() {}

    /**
     * floor((in + 2·pad − dilation·(kernel−1) − 1) / stride) + 1, as PyTorch; 0 or less when the
     * dilated kernel does not fit in the padded input (callers must reject that geometry).
     * Floor, not Java's truncation: with in = 1, kernel = 2, stride = 2 the size is 0, not 1.
     */
    public static int outSize(int in, int kernel, int stride, int pad, int dilation) {
        return Math.floorDiv(in + 2 * pad - dilation * (kernel - 1) - 1, stride) + 1;
    }

    public static void im2col(float[] x, int xOff, int channels, int h, int w,
                              int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                              float[] cols, int colsOff) {
        im2col(x, xOff, channels, h, w, kh, kw, sh, sw, ph, pw, dh, dw, cols, colsOff,
                outSize(h, kh, sh, ph, dh) * outSize(w, kw, sw, pw, dw));
    }

    /** As above, with row r of the patch matrix at {@code cols[colsOff + r·ldCols ..]} (ldCols ≥ OH·OW). */
    public static void im2col(float[] x, int xOff, int channels, int h, int w,
                              int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                              float[] cols, int colsOff, int ldCols) {
        int oh = outSize(h, kh, sh, ph, dh), ow = outSize(w, kw, sw, pw, dw);
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int xc = xOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    // Input column of output column ox: ix = ox·sw + shift; inside for ox in [first, end).
                    int shift = kj * dw - pw;
                    int first = firstInside(shift, sw, ow), end = endInside(shift, sw, w, ow);
                    int out = colsOff + row * ldCols;
                    for (int oy = 0; oy < oh; oy++, out += ow) {
                        int iy = oy * sh - ph + ki * dh;
                        if (iy < 0 || iy >= h || first >= end) {
                            java.util.Arrays.fill(cols, out, out + ow, 0f);
                            continue;
                        }
                        int xr = xc + iy * w + shift;
                        java.util.Arrays.fill(cols, out, out + first, 0f);
                        if (sw == 1) {
                            System.arraycopy(x, xr + first, cols, out + first, end - first);
                        } else {
                            for (int ox = first; ox < end; ox++) cols[out + ox] = x[xr + ox * sw];
                        }
                        java.util.Arrays.fill(cols, out + end, out + ow, 0f);
                    }
                }
            }
        }
    }

    public static void col2im(float[] cols, int colsOff, int channels, int h, int w,
                              int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                              float[] x, int xOff) {
        col2im(cols, colsOff, outSize(h, kh, sh, ph, dh) * outSize(w, kw, sw, pw, dw), channels, h, w,
                kh, kw, sh, sw, ph, pw, dh, dw, x, xOff);
    }

    /** As above, reading row r of the patch matrix at {@code cols[colsOff + r·ldCols ..]} (ldCols ≥ OH·OW). */
    public static void col2im(float[] cols, int colsOff, int ldCols, int channels, int h, int w,
                              int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                              float[] x, int xOff) {
        int oh = outSize(h, kh, sh, ph, dh), ow = outSize(w, kw, sw, pw, dw);
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int xc = xOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int shift = kj * dw - pw;
                    int first = firstInside(shift, sw, ow), end = endInside(shift, sw, w, ow);
                    int in = colsOff + row * ldCols;
                    for (int oy = 0; oy < oh; oy++, in += ow) {
                        int iy = oy * sh - ph + ki * dh;
                        if (iy < 0 || iy >= h) continue;
                        int xr = xc + iy * w + shift;
                        if (sw == 1) {
                            for (int ox = first; ox < end; ox++) x[xr + ox] += cols[in + ox];
                        } else {
                            for (int ox = first; ox < end; ox++) x[xr + ox * sw] += cols[in + ox];
                        }
                    }
                }
            }
        }
    }

    /** Smallest ox ≥ 0 with ox·stride + shift ≥ 0 (capped at ow). */
    private static int firstInside(int shift, int stride, int ow) {
        if (shift >= 0) return 0;
        return Math.min(ow, (-shift + stride - 1) / stride);
    }

    /** One past the largest ox &lt; ow with ox·stride + shift &lt; w (at least 0). */
    private static int endInside(int shift, int stride, int w, int ow) {
        int limit = w - shift;  // need ox·stride < limit
        if (limit <= 0) return 0;
        return Math.min(ow, (limit + stride - 1) / stride);
    }
}
