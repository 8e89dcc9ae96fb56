package io.ringtrain.engine.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Conv2d;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The im2col + GEMM convolution equals its definition (a direct sum, in double) in value and in
 * all three gradients, whether images go to the GEMM one at a time or in blocks (a full block, a
 * short last block), with groups, bias, stride, padding and the pointwise shortcut; and one
 * workspace serves convolutions of any size, one after the other or (one per call) at once.
 */
class Conv2dKernelsTest {
    private static final SplittableRandom RNG = new SplittableRandom(5);
    // float32 sums of up to a few hundred products against double sums: ~1e-5 relative; 1e-4 leaves margin.
    private static final double TOL = 1e-4;

    @Test
    void smallOutputsBatchedIntoBlocksMatchTheDefinition() {
        // 5×5, 3×3 stride 2 pad 1 → 3×3 = 9 positions: 29 images per block (256 columns), 40 images = 29 + 11.
        Conv2dKernels.Geometry strided = geometry(40, 4, 5, 5, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1);
        assertEquals(29, strided.imagesPerBlock());
        assertEquals(2, strided.blocks());
        check(strided, true);
        check(geometry(20, 4, 4, 3, 6, 3, 2, 1, 2, 1, 0, 1, 1, 2), true); // groups, rectangular kernel: 4×1 = 4 positions, one block of 20
        Conv2dKernels.Geometry pointwise = geometry(20, 4, 3, 3, 6, 1, 1, 1, 1, 0, 0, 1, 1, 2);
        assertTrue(pointwise.imagesPerBlock() > 1 && !pointwise.skipsIm2col(), "a blocked pointwise layer copies its images into cols");
        check(pointwise, false);
    }

    @Test
    void resNetStageFourShapeWithPartialRegisterTilesMatchesTheDefinition() {
        // 4×4 outputs as in ResNet-18's last stage at 32×32: 16 images per block, 20 = 16 + 4 (one
        // block per thread on two). Kg = 7·9 = 63 and O = 70 leave partial 8-row tiles in all three
        // GEMMs, including the input gradient's, which reads W transposed.
        Conv2dKernels.Geometry stage4 = geometry(20, 7, 4, 4, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(16, stage4.imagesPerBlock());
        assertEquals(2, stage4.blocks());
        check(stage4, false);
    }

    @Test
    void largeOutputsOneImagePerGemmMatchTheDefinition() {
        Conv2dKernels.Geometry padded = geometry(3, 3, 16, 16, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(1, padded.imagesPerBlock());
        check(padded, true);
        Conv2dKernels.Geometry pointwise = geometry(3, 4, 16, 16, 6, 1, 1, 1, 1, 0, 0, 1, 1, 2);
        assertTrue(pointwise.skipsIm2col());
        check(pointwise, true);
    }

    @Test
    void oneWorkspaceServesALargerThenASmallerLayerWithoutNewBuffers() {
        // The larger layer leaves longer buffers holding its data (stale partial dW included); the
        // smaller one must read only its own part of them, and needs nothing more.
        Conv2dKernels.Workspace ws = new Conv2dKernels.Workspace();
        Conv2dKernels.Geometry large = geometry(6, 6, 12, 12, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Conv2dKernels.Geometry small = geometry(20, 4, 5, 5, 6, 3, 3, 2, 2, 1, 1, 1, 1, 2);
        check(large, true, ws);
        long held = ws.floatsHeld();
        check(small, true, ws);
        check(geometry(3, 4, 16, 16, 6, 1, 1, 1, 1, 0, 0, 1, 1, 2), false, ws); // pointwise, no im2col
        assertEquals(held, ws.floatsHeld(), "the smaller layers reuse the larger layer's buffers");
    }

    @Test
    void layersRunOneAfterAnotherOnOneThreadShareOneWorkspace() {
        Conv2d first = new Conv2d(8, 16, 3, 1, 1), second = new Conv2d(16, 8, 3, 2, 1);
        Tensor x = Tensor.randn(RNG, 4, 8, 32, 32).requiresGrad(true);
        Conv2dKernels.Workspace.dropFree();
        int before = Conv2dKernels.Workspace.made();
        for (int step = 0; step < 3; step++) second.forward(first.forward(x)).sum().backward();
        assertEquals(1, Conv2dKernels.Workspace.made() - before, "twelve convolution calls (two layers) on one thread, workspaces made");
        Conv2dKernels.Workspace shared = Conv2dKernels.Workspace.acquire();
        Conv2dKernels.Workspace.release(shared);
        // The first layer's patch matrix (8·9 rows, 32·32 columns) is the larger; the second's calls came after it.
        assertTrue(shared.patches(0, 1).length >= 8 * 9 * 32 * 32, "the shared patch buffer kept the larger layer's size");
        assertSame(shared, Conv2dKernels.Workspace.acquire(), "a released workspace is the next one lent");
        Conv2dKernels.Workspace.release(shared);
    }

    @Test
    void twoThreadsRunningDifferentConvolutionsAtOnceGetTheSequentialResults() throws Exception {
        // Each layer's blocks are split over the pool threads, which both threads' calls share: a
        // chunk's buffers (the partial dW above all, summed after the range ends) must not be taken
        // by the other call. The split and the order of the partial sums do not depend on which
        // thread runs a chunk, so the results are bit for bit those of a call run alone.
        Conv2d[] layers = {new Conv2d(8, 16, 3, 1, 1), new Conv2d(16, 8, 3, 2, 1)};
        Tensor[] inputs = {Tensor.randn(RNG, 4, 8, 16, 16), Tensor.randn(RNG, 24, 16, 8, 8)};
        Tensor[] weights = {Tensor.randn(RNG, 4, 16, 16, 16), Tensor.randn(RNG, 24, 8, 4, 4)};
        float[][][] expected = new float[2][][];
        for (int i = 0; i < 2; i++) expected[i] = step(layers[i], inputs[i], weights[i]);
        int rounds = 30;
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int layer = i;
                done.add(threads.submit(() -> {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        float[][] got = step(layers[layer], inputs[layer], weights[layer]);
                        for (int k = 0; k < got.length; k++) {
                            assertArrayEquals(expected[layer][k], got[k], "layer " + layer + ", round " + r + ", result " + k);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            threads.shutdownNow();
        }
    }

    /** y, dx, dW, db of loss = Σ y ⊙ weight. */
    private static float[][] step(Conv2d layer, Tensor input, Tensor weight) {
        Tensor x = input.detach().requiresGrad(true);
        layer.weight().zeroGrad();
        layer.bias().zeroGrad();
        Tensor y = layer.forward(x);
        y.mul(weight).sum().backward();
        return new float[][] {y.toArray(), x.gradArray().clone(), layer.weight().gradArray().clone(), layer.bias().gradArray().clone()};
    }

    @Test
    void inputGradientByTransposedConvolutionMatchesTheDefinition() {
        // C = O, stride 1, output of the input's size: dx is the convolution of dy with the flipped,
        // transposed weights. One image per block (17×17 = 289 columns), blocks of 16 images with
        // a short last one (4×4: 16 + 4), a 5×3 kernel with dilation (padding d·(k − 1)/2), and an
        // odd channel count that leaves partial register tiles.
        Conv2dKernels.Geometry large = geometry(3, 5, 17, 17, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Conv2dKernels.Geometry blocked = geometry(20, 7, 4, 4, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Conv2dKernels.Geometry dilated = geometry(4, 3, 9, 7, 3, 5, 3, 1, 1, 4, 2, 2, 2, 1);
        assertEquals(1, large.imagesPerBlock());
        assertEquals(2, blocked.blocks());
        for (Conv2dKernels.Geometry g : new Conv2dKernels.Geometry[] {large, blocked, dilated}) {
            assertTrue(g.inputGradientByTransposedConvolution(), g + " takes the transposed-convolution path");
            check(g, true);
        }
        // Not taken: stride 2, C ≠ O, a size-changing padding, groups.
        assertTrue(!geometry(2, 4, 8, 8, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1).inputGradientByTransposedConvolution());
        assertTrue(!geometry(2, 4, 8, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1).inputGradientByTransposedConvolution());
        assertTrue(!geometry(2, 4, 8, 8, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1).inputGradientByTransposedConvolution());
        assertTrue(!geometry(2, 4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2).inputGradientByTransposedConvolution());
    }

    private static Conv2dKernels.Geometry geometry(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw,
                                                   int ph, int pw, int dh, int dw, int groups) {
        return new Conv2dKernels.Geometry(n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups);
    }

    private static float[] random(int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) RNG.nextGaussian();
        return a;
    }

    private static void check(Conv2dKernels.Geometry g, boolean bias) {
        check(g, bias, new Conv2dKernels.Workspace());
    }

    private static void check(Conv2dKernels.Geometry g, boolean bias, Conv2dKernels.Workspace ws) {
        int n = g.batch(), c = g.inChannels(), h = g.height(), w = g.width(), o = g.outChannels();
        int oh = g.outH(), ow = g.outW(), cg = c / g.groups(), og = o / g.groups();
        float[] x = random(n * c * h * w), wt = random(o * cg * g.kh() * g.kw()), b = bias ? random(o) : null;
        float[] dy = random(g.outputSize());
        double[] y = new double[g.outputSize()], dx = new double[x.length], dwt = new double[wt.length], db = new double[o];
        for (int img = 0; img < n; img++) {
            for (int oc = 0; oc < o; oc++) {
                int grp = oc / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int yi = ((img * o + oc) * oh + i) * ow + j;
                        double sum = bias ? b[oc] : 0;
                        for (int ci = 0; ci < cg; ci++) {
                            for (int p = 0; p < g.kh(); p++) {
                                for (int q = 0; q < g.kw(); q++) {
                                    int iy = i * g.sh() - g.ph() + p * g.dh(), ix = j * g.sw() - g.pw() + q * g.dw();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    int xi = ((img * c + grp * cg + ci) * h + iy) * w + ix;
                                    int wi = ((oc * cg + ci) * g.kh() + p) * g.kw() + q;
                                    sum += (double) wt[wi] * x[xi];
                                    dx[xi] += (double) wt[wi] * dy[yi];
                                    dwt[wi] += (double) x[xi] * dy[yi];
                                }
                            }
                        }
                        y[yi] = sum;
                        db[oc] += dy[yi];
                    }
                }
            }
        }
        float[] out = new float[g.outputSize()];
        Conv2dKernels.forward(g, x, wt, b, out, ws);
        float[] gx = new float[x.length], gw = new float[wt.length], gb = bias ? new float[o] : null;
        Conv2dKernels.backward(g, dy, wt, x, gx, gw, gb, ws);
        String what = "conv " + g + ", ";
        assertClose(what + "y", y, out);
        assertClose(what + "dx", dx, gx);
        assertClose(what + "dW", dwt, gw);
        if (bias) assertClose(what + "db", db, gb);
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            assertTrue(diff <= TOL * (1 + Math.abs(expected[i])), what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }
}
