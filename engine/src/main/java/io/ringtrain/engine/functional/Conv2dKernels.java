package io.ringtrain.engine.functional;

import io.ringtrain.engine.backend.Placement;
import io.ringtrain.engine.SpareArray;
import io.ringtrain.engine.cpu.Im2col;
import io.ringtrain.engine.cpu.Transpose;

/**
 * conv2d_forward / conv2d_backward over float arrays (llm.c style), by im2col + GEMM.
 *
 * <p>Layouts: x [N, C, H, W], W [O, C/G, kh, kw] (row-major, i.e. per group a matrix
 * [O/G, Kg] with Kg = C/G·kh·kw), y and dy [N, O, L] with L = OH·OW, and cols [N, C·kh·kw, L]
 * (one im2col matrix per image; group g owns rows g·Kg .. (g+1)·Kg). Per image n and group g:
 * <pre>
 *   forward:   y_n,g  = W_g · cols_n,g  (+ b)                 [O/G, L] = [O/G, Kg]·[Kg, L]
 *   backward:  dW_g  += dy_n,g · cols_n,gᵀ                    [O/G, Kg] = [O/G, L]·[L, Kg]
 *              dcols_n,g = W_gᵀ · dy_n,g;  dx_n = col2im(dcols_n)     (see backward for the layout used)
 *              db[o] = Σ_n Σ_l dy[n, o, l]
 * </pre>
 * Images are split over {@link Workers} threads; each thread keeps its own dcols buffer and
 * partial dW, added at the end. A 1×1 kernel with stride 1 and no padding skips im2col (cols is x).
 */
public final class Conv2dKernels {
    private Conv2dKernels() {}

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

        public int colsSize() {
            return isPointwise() ? 0 : batch * colsPerImage();
        }

        public int outputSize() {
            return batch * outChannels * spatial();
        }
    }

    /**
     * Scratch memory kept by a layer between steps: the patch matrices (lent to one forward and
     * given back when its backward is done, so a second forward before backward gets its own)
     * and the per-thread dcols / partial dW buffers that backward uses and drops.
     */
    public static final class Workspace {
        private final SpareArray<float[]> cols = SpareArray.floats();
        // One slot per Workers chunk; a chunk's slot is only touched by the thread running that chunk.
        private final float[][] dcols = new float[Workers.threads()][];
        private final float[][] partialDw = new float[Workers.threads()][];
        private final float[][] dyT = new float[Workers.threads()][];

        public float[] takeCols(int size) {
            return cols.take(size);
        }

        public void returnCols(float[] used) {
            cols.giveBack(used);
        }

        float[] dcols(int chunk, int size) {
            if (dcols[chunk] == null || dcols[chunk].length != size) dcols[chunk] = new float[size];
            return dcols[chunk];
        }

        float[] dyT(int chunk, int size) {
            if (dyT[chunk] == null || dyT[chunk].length != size) dyT[chunk] = new float[size];
            return dyT[chunk];
        }

        float[] partialDw(int chunk, int size) {
            if (partialDw[chunk] == null || partialDw[chunk].length != size) partialDw[chunk] = new float[size];
            else java.util.Arrays.fill(partialDw[chunk], 0f);
            return partialDw[chunk];
        }
    }

    public static void forward(Geometry g, float[] x, float[] w, float[] b, float[] cols, float[] y) {
        int c = g.inChannels(), hw = g.height() * g.width(), l = g.spatial(), o = g.outChannels();
        int og = o / g.groups(), kg = g.groupK();
        boolean pointwise = g.isPointwise();
        Workers.forRange(g.batch(), (long) g.colsPerImage() + (long) o * kg * l / 8, (chunk, start, end) -> {
            for (int n = start; n < end; n++) {
                float[] src;
                int srcOff;
                if (pointwise) {
                    src = x;
                    srcOff = n * c * hw;
                } else {
                    src = cols;
                    srcOff = n * g.colsPerImage();
                    Im2col.im2col(x, n * c * hw, c, g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw(), cols, srcOff);
                }
                int yOff = n * o * l;
                for (int grp = 0; grp < g.groups(); grp++) {
                    Placement.backend().sgemm(false, false, og, l, kg, 1f, w, grp * og * kg, kg, src, srcOff + grp * kg * l, l,
                            0f, y, yOff + grp * og * l, l);
                }
                if (b != null) {
                    for (int oc = 0; oc < o; oc++) {
                        float bias = b[oc];
                        for (int i = yOff + oc * l, e = i + l; i < e; i++) y[i] += bias;
                    }
                }
            }
        });
    }

    /**
     * Fills the non-null gradient arrays (dx, dw, db are overwritten, not accumulated).
     *
     * <p>Both GEMMs are arranged so that no operand is transposed (the scalar reference GEMM runs
     * its contiguous, vectorisable inner loop, and the packed GEMM does no transposed packing):
     * per group, Wᵀ is formed once ([Kg, O/G]) and per image dyᵀ ([L, O/G], small), then
     * <pre>
     *   dWᵀ_g += cols_n,g · dyᵀ_n,g        [Kg, O/G] = [Kg, L]·[L, O/G]
     *   dcols_n,g = Wᵀ_g · dy_n,g           [Kg, L]   = [Kg, O/G]·[O/G, L]
     * </pre>
     * and dW is dWᵀ transposed back at the end.
     */
    public static void backward(Geometry g, float[] dy, float[] w, float[] cols, float[] x, float[] dx, float[] dw, float[] db,
                         Workspace ws) {
        int c = g.inChannels(), hw = g.height() * g.width(), l = g.spatial(), o = g.outChannels();
        int og = o / g.groups(), kg = g.groupK(), colsPer = g.colsPerImage(), groups = g.groups();
        boolean pointwise = g.isPointwise();
        float[] wT = dx == null ? null : transposeGroups(w, groups, og, kg);
        float[][] partials = new float[Workers.threads()][];
        Workers.forRange(g.batch(), (long) colsPer + 2L * o * kg * l / 8, (chunk, start, end) -> {
            float[] myDwT = dw == null ? null : ws.partialDw(chunk, dw.length);
            partials[chunk] = myDwT;
            float[] dcols = dx == null || pointwise ? null : ws.dcols(chunk, colsPer);
            float[] dyT = dw == null ? null : ws.dyT(chunk, l * og);
            for (int n = start; n < end; n++) {
                int dyOff = n * o * l;
                float[] src = pointwise ? x : cols;
                int srcOff = pointwise ? n * c * hw : n * colsPer;
                for (int grp = 0; grp < groups; grp++) {
                    int dyg = dyOff + grp * og * l;
                    if (myDwT != null) {
                        Transpose.transpose(dy, dyg, og, l, dyT, 0);
                        Placement.backend().sgemm(false, false, kg, og, l, 1f, src, srcOff + grp * kg * l, l, dyT, 0, og,
                                1f, myDwT, grp * kg * og, og);
                    }
                    if (dx != null) {
                        float[] target = pointwise ? dx : dcols;
                        int targetOff = pointwise ? n * c * hw + grp * kg * l : grp * kg * l;
                        Placement.backend().sgemm(false, false, kg, l, og, 1f, wT, grp * kg * og, og, dy, dyg, l,
                                0f, target, targetOff, l);
                    }
                }
                if (dx != null && !pointwise) {
                    java.util.Arrays.fill(dx, n * c * hw, (n + 1) * c * hw, 0f);
                    Im2col.col2im(dcols, 0, c, g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw(), dx, n * c * hw);
                }
            }
        });
        if (dw != null) {
            // Σ of the per-thread dWᵀ partials, transposed back to [O/G, Kg] per group.
            for (int grp = 0; grp < groups; grp++) {
                for (int k = 0; k < kg; k++) {
                    for (int oc = 0; oc < og; oc++) {
                        float s = 0f;
                        for (float[] p : partials) if (p != null) s += p[grp * kg * og + k * og + oc];
                        dw[grp * og * kg + oc * kg + k] = s;
                    }
                }
            }
        }
        if (db != null) {
            for (int n = 0; n < g.batch(); n++) {
                for (int oc = 0; oc < o; oc++) db[oc] += FloatSums.sum(dy, (n * o + oc) * l, (n * o + oc + 1) * l);
            }
        }
    }

    /** Per group, W_g [O/G, Kg] → W_gᵀ [Kg, O/G]. */
    private static float[] transposeGroups(float[] w, int groups, int og, int kg) {
        float[] t = new float[w.length];
        for (int grp = 0; grp < groups; grp++) Transpose.transpose(w, grp * og * kg, og, kg, t, grp * og * kg);
        return t;
    }
}
