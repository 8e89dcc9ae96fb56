package io.ringtrain.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Im2col} as the convolution layers use it. It must equal {@link Im2colReference} bit for
 * bit (both only copy, and col2im adds in the same order), and: weights [F, C·kh·kw] × im2col(x) must equal
 * a direct convolution (the definition, written out below), and col2im must be the adjoint of
 * im2col, ⟨im2col(x), g⟩ = ⟨x, col2im(g)⟩, which is what makes it the input gradient.
 * Tolerances: sums of at most a few hundred products of values in [−1, 1], compared in float
 * (1e-4 absolute) and, for the adjoint, in double against 1e-6·Σ|terms| (col2im adds in float).
 */
class Im2colTest {
    /** channels, h, w, kh, kw, sh, sw, ph, pw, dh, dw: stride, padding and dilation all exercised. */
    private static final int[][] CASES = {
        {1, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1},
        {3, 9, 7, 3, 2, 2, 1, 1, 0, 1, 2},
        {2, 6, 11, 1, 5, 1, 3, 0, 2, 1, 1},
        {4, 5, 5, 2, 2, 2, 2, 1, 1, 2, 2},
    };

    @Test
    void weightsTimesIm2colEqualsDirectConvolution() {
        Random random = new Random(1);
        for (int[] cs : CASES) {
            int ch = cs[0], h = cs[1], w = cs[2], kh = cs[3], kw = cs[4], sh = cs[5], sw = cs[6], ph = cs[7], pw = cs[8],
                    dh = cs[9], dw = cs[10];
            int oh = Im2col.outSize(h, kh, sh, ph, dh), ow = Im2col.outSize(w, kw, sw, pw, dw), filters = 5;
            float[] x = GemmSimdTest.randomArray(random, ch * h * w);
            float[] weights = GemmSimdTest.randomArray(random, filters * ch * kh * kw);
            float[] cols = new float[ch * kh * kw * oh * ow];
            Im2col.im2col(x, 0, ch, h, w, kh, kw, sh, sw, ph, pw, dh, dw, cols, 0);
            float[] y = new float[filters * oh * ow];
            Gemm.sgemm(false, false, filters, oh * ow, ch * kh * kw, 1f, weights, 0, ch * kh * kw, cols, 0, oh * ow,
                    0f, y, 0, oh * ow);
            for (int f = 0; f < filters; f++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double direct = 0;
                        for (int c = 0; c < ch; c++) {
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int iy = oy * sh - ph + ki * dh, ix = ox * sw - pw + kj * dw;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    direct += weights[((f * ch + c) * kh + ki) * kw + kj] * x[(c * h + iy) * w + ix];
                                }
                            }
                        }
                        assertEquals(direct, y[(f * oh + oy) * ow + ox], 1e-4,
                                "case " + java.util.Arrays.toString(cs) + " output " + f + "," + oy + "," + ox);
                    }
                }
            }
        }
    }

    @Test
    void fastIm2colAndCol2imEqualTheReferenceBitForBit() {
        // Every combination of small geometries, including kernels wider than the image with
        // padding, strides larger than the kernel, and taps that never land inside.
        Random random = new Random(3);
        int cases = 0;
        for (int h : new int[] {1, 4, 7}) {
            for (int w : new int[] {1, 5, 8}) {
                for (int k : new int[] {1, 2, 3, 5}) {
                    for (int stride : new int[] {1, 2, 3}) {
                        for (int pad : new int[] {0, 1, 2}) {
                            for (int dilation : new int[] {1, 2}) {
                                int kh = k, kw = Math.max(1, k - 1);
                                int oh = Im2col.outSize(h, kh, stride, pad, dilation);
                                int ow = Im2col.outSize(w, kw, 1 + (stride % 2), pad, dilation);
                                if (oh <= 0 || ow <= 0) continue;
                                int sw = 1 + (stride % 2);
                                int ch = 2, xOff = 3, colsOff = 5;
                                float[] x = GemmSimdTest.randomArray(random, xOff + ch * h * w + 2);
                                int colsLength = colsOff + ch * kh * kw * oh * ow + 2;
                                float[] expected = GemmSimdTest.randomArray(random, colsLength), actual = expected.clone();
                                Im2colReference.im2col(x, xOff, ch, h, w, kh, kw, stride, sw, pad, pad, dilation, dilation,
                                        expected, colsOff);
                                Im2col.im2col(x, xOff, ch, h, w, kh, kw, stride, sw, pad, pad, dilation, dilation,
                                        actual, colsOff);
                                String geometry = "h=" + h + " w=" + w + " kh=" + kh + " kw=" + kw + " sh=" + stride
                                        + " sw=" + sw + " pad=" + pad + " dilation=" + dilation;
                                assertArrayEquals(expected, actual, "im2col " + geometry);
                                float[] xExpected = x.clone(), xActual = x.clone();
                                Im2colReference.col2im(expected, colsOff, ch, h, w, kh, kw, stride, sw, pad, pad,
                                        dilation, dilation, xExpected, xOff);
                                Im2col.col2im(expected, colsOff, ch, h, w, kh, kw, stride, sw, pad, pad, dilation,
                                        dilation, xActual, xOff);
                                assertArrayEquals(xExpected, xActual, "col2im " + geometry);
                                cases++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(cases > 300, "geometries covered: " + cases);
    }

    @Test
    void outputSizeFollowsPyTorchsFloorFormula() {
        assertEquals(28, Im2col.outSize(28, 3, 1, 1, 1));
        assertEquals(14, Im2col.outSize(28, 2, 2, 0, 1));
        assertEquals(4, Im2col.outSize(7, 3, 2, 1, 1));
        assertEquals(3, Im2col.outSize(7, 3, 1, 0, 2));
        // The kernel does not fit: floor(−1/2) + 1 = 0 (Java's truncating division would say 1).
        assertEquals(0, Im2col.outSize(1, 2, 2, 0, 1));
        assertTrue(Im2col.outSize(1, 3, 1, 0, 1) <= 0);
    }

    @Test
    void col2imIsTheAdjointOfIm2col() {
        Random random = new Random(2);
        for (int[] cs : CASES) {
            int ch = cs[0], h = cs[1], w = cs[2], kh = cs[3], kw = cs[4], sh = cs[5], sw = cs[6], ph = cs[7], pw = cs[8],
                    dh = cs[9], dw = cs[10];
            int oh = Im2col.outSize(h, kh, sh, ph, dh), ow = Im2col.outSize(w, kw, sw, pw, dw);
            float[] x = GemmSimdTest.randomArray(random, ch * h * w);
            float[] g = GemmSimdTest.randomArray(random, ch * kh * kw * oh * ow);
            float[] cols = new float[g.length];
            Im2col.im2col(x, 0, ch, h, w, kh, kw, sh, sw, ph, pw, dh, dw, cols, 0);
            float[] back = new float[x.length];
            Im2col.col2im(g, 0, ch, h, w, kh, kw, sh, sw, ph, pw, dh, dw, back, 0);
            double left = 0, right = 0, scale = 0;
            for (int i = 0; i < g.length; i++) {
                left += (double) cols[i] * g[i];
                scale += Math.abs((double) cols[i] * g[i]);
            }
            for (int i = 0; i < x.length; i++) right += (double) x[i] * back[i];
            assertEquals(left, right, 1e-6 * scale, "case " + java.util.Arrays.toString(cs));
        }
    }
}
