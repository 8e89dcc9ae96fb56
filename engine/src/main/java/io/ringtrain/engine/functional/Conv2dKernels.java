package io.ringtrain.engine.functional;

import io.ringtrain.engine.backend.Backend;
import io.ringtrain.engine.backend.Placement;
import io.ringtrain.engine.cpu.Im2col;
import io.ringtrain.engine.cpu.Transpose;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * conv2d_forward / conv2d_backward over float arrays (llm.c style), by im2col + GEMM.
 *
 * <p>Layouts: x [N, C, H, W], W [O, C/G, kh, kw] (row-major, i.e. per group a matrix
 * [O/G, Kg] with Kg = C/G·kh·kw), y and dy [N, O, L] with L = OH·OW.
 *
 * <p>Images are taken in blocks of B ({@link Geometry#imagesPerBlock()}): one image when its
 * output has at least {@link #BLOCK_COLUMNS} positions, else enough images to reach that many.
 * A block's patch matrix is cols_b [C·kh·kw, B·L], image i of the block in columns i·L .. (i+1)·L
 * (group g owns rows g·Kg .. (g+1)·Kg). Per block b and group g:
 * <pre>
 *   forward:   y_b,g  = W_g · cols_b,g  (+ b)                 [O/G, B·L] = [O/G, Kg]·[Kg, B·L]
 *   backward:  dW_g  += dy_b,g · cols_b,gᵀ                    [O/G, Kg] = [O/G, B·L]·[B·L, Kg]
 *              dcols_b,g = W_gᵀ · dy_b,g;  dx_n = col2im(dcols of image n)   (see backward for the layout used)
 *              db[o] = Σ_n Σ_l dy[n, o, l]
 * </pre>
 * Why blocks: the GEMM packs W (GotoBLAS style) once per call, and a call per image of a small
 * output (4×4 in ResNet's last stage at 32×32 input) spends as long packing 512×4608 weights as
 * multiplying them by 16 columns; the weight gradient's GEMM would sum over only L = 16 terms.
 * y_b and dy_b, being [O, B·L], are gathered from and scattered to [N, O, L] when B &gt; 1.
 *
 * <p>Only one block's patch matrix exists at a time per thread: forward builds it, multiplies and
 * moves on, and backward builds it again from x for the weight gradient, as PyTorch saves a
 * convolution's input, not its columns. Keeping every block's patches from forward to backward
 * held C·kh·kw times each input (about 1 GB for ResNet-18 at 224×224, batch 16) for the im2col
 * that backward now repeats. Blocks are split over {@link Workers} threads; each thread has its
 * own patch buffer (cols, then dcols in backward) and partial dW, added at the end, in the
 * {@link Workspace} that the call borrows (one for all layers, not one per layer). A 1×1 kernel
 * with stride 1 and no padding, one image per block, skips im2col (cols is x).
 *
 * <p>Where {@link Geometry#inputGradientByTransposedConvolution()} holds (stride 1, one group,
 * C = O, output of the input's size: ResNet's 3×3 convolutions but the stride-2 ones), backward
 * computes dx instead as the forward convolution of dy with W' [C, O, kh, kw] = W flipped in both
 * kernel axes and transposed in its first two: im2col of dy and one GEMM with K = O·kh·kw that
 * writes dx, in place of dcols = Wᵀ·dy (K = O) and col2im, whose kh·kw read-modify-write passes
 * over dx read back a patch matrix kh·kw times the size of dx.
 */
public final class Conv2dKernels {
    private Conv2dKernels() {}

    /**
     * Fewest output positions (GEMM columns) per block. Each block's GEMMs pack the whole weight
     * matrix again (forward: W; backward: Wᵀ), and the weight gradient's GEMM sums over B·L terms,
     * so small outputs want wide blocks: measured on ResNet-18's 32×32 layers (batch 32, 2 threads),
     * 256 ran stages 3–4 (8×8 and 4×4 outputs) about 1.4 times faster than 128, while ResNet's
     * 4×4 stage still has two blocks, one per thread. Outputs of 1024 positions gain nothing from more.
     */
    static final int BLOCK_COLUMNS = 256;

    /** Every size of one convolution call. */
    public record Geometry(int batch, int inChannels, int height, int width, int outChannels, int kh, int kw,
                    int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        public int outH() {
            return Im2col.outSize(height, kh, sh, ph, dh);
        }

        public int outW() {
            return Im2col.outSize(width, kw, sw, pw, dw);
        }

        public int spatial() {
            return outH() * outW();
        }

        /** Rows of one group's patch matrix: C/G·kh·kw. */
        public int groupK() {
            return inChannels / groups * kh * kw;
        }

        public int colsPerImage() {
            return inChannels * kh * kw * spatial();
        }

        public boolean isPointwise() {
            return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
        }

        /** Images per GEMM: 1 when one image has ≥ {@link #BLOCK_COLUMNS} output positions, else enough to reach that (at most N). */
        public int imagesPerBlock() {
            return Math.max(1, Math.min(batch, (BLOCK_COLUMNS + spatial() - 1) / spatial()));
        }

        public int blocks() {
            return (batch + imagesPerBlock() - 1) / imagesPerBlock();
        }

        /** The input already is the patch matrix: a pointwise kernel, one image per block. */
        public boolean skipsIm2col() {
            return isPointwise() && imagesPerBlock() == 1;
        }

        public int outputSize() {
            return batch * outChannels * spatial();
        }

        /**
         * Whether backward computes dx as a forward convolution of dy with the flipped, transposed
         * weights ({@link #inputGradientGeometry()}) instead of dcols = Wᵀ·dy and col2im: stride 1,
         * one group, a kernel larger than 1×1, C = O and an output of the input's size ("same"
         * padding, as ResNet's 3×3 convolutions). The last two make the transposed convolution's
         * patch matrix, block and output buffers exactly the sizes of this one's, so it runs in the
         * backward call's {@link Workspace} without growing it.
         */
        public boolean inputGradientByTransposedConvolution() {
            return sh == 1 && sw == 1 && groups == 1 && kh * kw > 1 && inChannels == outChannels
                    && outH() == height && outW() == width;
        }

        /** The convolution dy [N, O, OH, OW] → dx [N, C, H, W] (stride 1, padding dilation·(k − 1) − padding). */
        Geometry inputGradientGeometry() {
            return new Geometry(batch, outChannels, outH(), outW(), inChannels, kh, kw, 1, 1,
                    dh * (kh - 1) - ph, dw * (kw - 1) - pw, dh, dw, 1);
        }
    }

    /**
     * Scratch memory of one convolution call: the per-chunk buffers of one block (its patch matrix,
     * cols in forward and cols then dcols in backward; partial dW; dyᵀ; y or dy as [O, B·L]).
     * Nothing in it outlives a forward or backward call, so one workspace serves every layer:
     * {@link #acquire()} lends one for a call and {@link #release} takes it back, and each buffer
     * grows to the largest size asked of it and is then reused by smaller layers. ResNet-18 at
     * 224×224 thus holds the largest layer's buffers (per chunk) instead of every layer's.
     *
     * <p>Why a workspace per call and not per thread: backward's partial dW of a chunk is summed by
     * the calling thread after the parallel range has ended, when the pool thread that filled it may
     * already run a chunk of another replica's convolution; a per-thread buffer would be overwritten
     * under the sum. A workspace lent to one call belongs to it (slot {@code chunk} to the thread
     * running that chunk) until the call gives it back, so concurrent calls (replicas in one JVM)
     * each hold their own, and the number of workspaces is the most calls ever run at once.
     */
    public static final class Workspace {
        /** Workspaces not lent to a call; most recently released first, so sequential calls reuse one. */
        private static final ConcurrentLinkedDeque<Workspace> FREE = new ConcurrentLinkedDeque<>();
        /** Workspaces {@link #acquire()} has made: the most calls that ever ran at once (see the tests). */
        private static final AtomicInteger MADE = new AtomicInteger();

        // One slot per Workers chunk; a chunk's slot is only touched by the thread running that chunk.
        private final float[][] patches = new float[Workers.threads()][];
        private final float[][] partialDw = new float[Workers.threads()][];
        private final float[][] dyT = new float[Workers.threads()][];
        private final float[][] blockOut = new float[Workers.threads()][];
        /** The flipped, transposed weights of a transposed-convolution backward: the calling thread's, one per call. */
        private float[] flippedWeights;

        /** A workspace for one forward or backward call, to be given back with {@link #release} when it returns. */
        public static Workspace acquire() {
            Workspace ws = FREE.pollFirst();
            if (ws != null) return ws;
            MADE.incrementAndGet();
            return new Workspace();
        }

        static int made() {
            return MADE.get();
        }

        /** Forgets the free workspaces (tests: so that the next calls must make their own). */
        static void dropFree() {
            FREE.clear();
        }

        /** Gives back a workspace from {@link #acquire()}; the caller must not use it afterwards. */
        public static void release(Workspace ws) {
            FREE.offerFirst(ws);
        }

        /** Floats held by this workspace's buffers (how much one shared workspace costs; see the tests). */
        long floatsHeld() {
            long n = 0;
            for (float[][] slots : new float[][][] {patches, partialDw, dyT, blockOut}) {
                for (float[] a : slots) n += a == null ? 0 : a.length;
            }
            return n + (flippedWeights == null ? 0 : flippedWeights.length);
        }

        /** One block's patch matrix [C·kh·kw, B·L] (at least size floats): its cols, or in backward its dcols once dW has read the cols. */
        float[] patches(int chunk, int size) {
            return patches[chunk] = atLeast(patches[chunk], size);
        }

        /** At least size floats. */
        float[] dyT(int chunk, int size) {
            return dyT[chunk] = atLeast(dyT[chunk], size);
        }

        /** y or dy of one block as [O, B·L] (at least size floats, sized for a full block, so a short last block reuses it). */
        float[] blockOut(int chunk, int size) {
            return blockOut[chunk] = atLeast(blockOut[chunk], size);
        }

        /** At least size floats, for {@link #flippedTransposed}. */
        float[] flippedWeights(int size) {
            return flippedWeights = atLeast(flippedWeights, size);
        }

        /** At least size floats, the first size of them zero (the rest is not read). */
        float[] partialDw(int chunk, int size) {
            float[] a = partialDw[chunk];
            if (a == null || a.length < size) return partialDw[chunk] = new float[size];
            java.util.Arrays.fill(a, 0, size, 0f);
            return a;
        }

        private static float[] atLeast(float[] a, int size) {
            return a == null || a.length < size ? new float[size] : a;
        }
    }

    public static void forward(Geometry g, float[] x, float[] w, float[] b, float[] y, Workspace ws) {
        int c = g.inChannels(), hw = g.height() * g.width(), l = g.spatial(), o = g.outChannels();
        int og = o / g.groups(), kg = g.groupK(), colsPer = g.colsPerImage(), perBlock = g.imagesPerBlock();
        boolean direct = g.skipsIm2col();
        // The caller's backend, read once per call rather than per block (Workers binds it in the pool
        // threads too): Spark's task threads hold many thread-locals, and a lookup per block showed in profiles.
        Backend backend = Placement.backend();
        Workers.forRange(g.blocks(), perBlock * ((long) colsPer + (long) o * kg * l / 8), (chunk, start, end) -> {
            float[] cols = direct ? null : ws.patches(chunk, perBlock * colsPer);
            for (int blk = start; blk < end; blk++) {
                int n0 = blk * perBlock, images = Math.min(perBlock, g.batch() - n0), ld = images * l;
                float[] src = direct ? x : im2colBlock(g, x, n0, images, cols);
                int srcOff = direct ? n0 * c * hw : 0;
                // One image: the GEMM writes y in place. Several: [O, B·L], scattered to [B, O, L] below.
                float[] out = images == 1 ? y : ws.blockOut(chunk, o * perBlock * l);
                int outOff = images == 1 ? n0 * o * l : 0;
                for (int grp = 0; grp < g.groups(); grp++) {
                    backend.sgemm(false, false, og, ld, kg, 1f, w, grp * og * kg, kg, src, srcOff + grp * kg * ld, ld,
                            0f, out, outOff + grp * og * ld, ld);
                }
                if (images > 1) {
                    for (int i = 0; i < images; i++) {
                        for (int oc = 0; oc < o; oc++) System.arraycopy(out, oc * ld + i * l, y, ((n0 + i) * o + oc) * l, l);
                    }
                }
                if (b != null) {
                    for (int i = n0 * o * l, e = (n0 + images) * o * l, oc = 0; i < e; i += l, oc = (oc + 1) % o) {
                        float bias = b[oc];
                        for (int j = i; j < i + l; j++) y[j] += bias;
                    }
                }
            }
        });
    }

    /**
     * Fills the non-null gradient arrays (dx, dw, db are overwritten, not accumulated).
     *
     * <p>Per group and block, with dyᵀ ([B·L, O/G], small) formed per block:
     * <pre>
     *   dWᵀ_g += cols_b,g · dyᵀ_b,g        [Kg, O/G] = [Kg, B·L]·[B·L, O/G]
     *   dcols_b,g = Wᵀ_g · dy_b,g           [Kg, B·L] = [Kg, O/G]·[O/G, B·L]   (W read transposed)
     * </pre>
     * Each thread's dWᵀ partials are summed into the first one (contiguous adds), which is then
     * transposed back to dW, a tile at a time. Wᵀ is not formed: the packed GEMM reads op(A) = Wᵀ
     * with vector loads while packing, which costs no more than packing W.
     */
    public static void backward(Geometry g, float[] dy, float[] w, float[] x, float[] dx, float[] dw, float[] db, Workspace ws) {
        int c = g.inChannels(), hw = g.height() * g.width(), l = g.spatial(), o = g.outChannels();
        int og = o / g.groups(), kg = g.groupK(), colsPer = g.colsPerImage(), groups = g.groups(), perBlock = g.imagesPerBlock();
        boolean direct = g.skipsIm2col();
        // dx by the transposed convolution, after the blocks (see inputGradientByTransposedConvolution).
        boolean dxByTransposed = dx != null && !direct && g.inputGradientByTransposedConvolution();
        float[][] partials = new float[Workers.threads()][];
        Backend backend = Placement.backend();
        Workers.forRange(g.blocks(), perBlock * ((long) colsPer + 2L * o * kg * l / 8), (chunk, start, end) -> {
            float[] myDwT = dw == null ? null : ws.partialDw(chunk, dw.length);
            partials[chunk] = myDwT;
            // The block's cols, then (group by group, once dW has read that group's rows) its dcols.
            float[] patches = direct ? null : ws.patches(chunk, perBlock * colsPer);
            float[] dyT = dw == null ? null : ws.dyT(chunk, perBlock * l * og);
            for (int blk = start; blk < end; blk++) {
                int n0 = blk * perBlock, images = Math.min(perBlock, g.batch() - n0), ld = images * l;
                // dy of the block as [O, B·L]: dy itself for one image, else gathered.
                float[] dyb = images == 1 ? dy : ws.blockOut(chunk, o * perBlock * l);
                int dybOff = images == 1 ? n0 * o * l : 0;
                if (images > 1) {
                    for (int i = 0; i < images; i++) {
                        for (int oc = 0; oc < o; oc++) System.arraycopy(dy, ((n0 + i) * o + oc) * l, dyb, oc * ld + i * l, l);
                    }
                }
                float[] src = direct ? x : myDwT != null ? im2colBlock(g, x, n0, images, patches) : null;
                int srcOff = direct ? n0 * c * hw : 0;
                for (int grp = 0; grp < groups; grp++) {
                    int dyg = dybOff + grp * og * ld;
                    if (myDwT != null) {
                        Transpose.transpose(dyb, dyg, og, ld, dyT, 0);
                        backend.sgemm(false, false, kg, og, ld, 1f, src, srcOff + grp * kg * ld, ld, dyT, 0, og,
                                1f, myDwT, grp * kg * og, og);
                    }
                    if (dx != null && !dxByTransposed) {
                        float[] target = direct ? dx : patches;
                        int targetOff = direct ? n0 * c * hw + grp * kg * l : grp * kg * ld;
                        backend.sgemm(true, false, kg, ld, og, 1f, w, grp * og * kg, kg, dyb, dyg, ld,
                                0f, target, targetOff, ld);
                    }
                }
                if (dx != null && !direct && !dxByTransposed) {
                    for (int i = 0; i < images; i++) {
                        int xOff = (n0 + i) * c * hw;
                        java.util.Arrays.fill(dx, xOff, xOff + c * hw, 0f);
                        Im2col.col2im(patches, i * l, ld, c, g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(),
                                g.dh(), g.dw(), dx, xOff);
                    }
                }
            }
        });
        if (dxByTransposed) forward(g.inputGradientGeometry(), dy, flippedTransposed(g, w, ws), null, dx, ws);
        if (dw != null) {
            // Σ of the per-thread dWᵀ partials (in chunk order, as p0 + p1 + ...), then per group
            // [Kg, O/G] → [O/G, Kg]: a tiled transpose, not one strided write per element.
            float[] sum = null;
            for (float[] p : partials) {
                if (p == null) continue;
                if (sum == null) sum = p;
                else for (int i = 0; i < dw.length; i++) sum[i] += p[i];
            }
            if (sum == null) java.util.Arrays.fill(dw, 0f);
            else for (int grp = 0; grp < groups; grp++) Transpose.transpose(sum, grp * kg * og, kg, og, dw, grp * og * kg);
        }
        if (db != null) {
            for (int n = 0; n < g.batch(); n++) {
                for (int oc = 0; oc < o; oc++) db[oc] += FloatSums.sum(dy, (n * o + oc) * l, (n * o + oc + 1) * l);
            }
        }
    }

    /**
     * W [O, C, kh, kw] → W' [C, O, kh, kw] with W'[c, o, i, j] = W[o, c, kh−1−i, kw−1−j], in this
     * call's workspace: the weights of the convolution that maps dy to dx.
     */
    private static float[] flippedTransposed(Geometry g, float[] w, Workspace ws) {
        int o = g.outChannels(), c = g.inChannels(), kh = g.kh(), kw = g.kw(), taps = kh * kw;
        float[] flipped = ws.flippedWeights(w.length);
        for (int oc = 0; oc < o; oc++) {
            for (int ic = 0; ic < c; ic++) {
                int src = (oc * c + ic) * taps, dst = (ic * o + oc) * taps;
                for (int t = 0; t < taps; t++) flipped[dst + taps - 1 - t] = w[src + t];
            }
        }
        return flipped;
    }

    /** Writes the patch matrix of images n0 .. n0 + images − 1 of x into {@code cols} as [C·kh·kw, images·L]; returns cols. */
    private static float[] im2colBlock(Geometry g, float[] x, int n0, int images, float[] cols) {
        int c = g.inChannels(), hw = g.height() * g.width(), l = g.spatial(), ld = images * l;
        for (int i = 0; i < images; i++) {
            Im2col.im2col(x, (n0 + i) * c * hw, c, g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(),
                    g.dh(), g.dw(), cols, i * l, ld);
        }
        return cols;
    }
}
