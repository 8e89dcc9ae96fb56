package io.ringtrain.engine.functional;

import io.ringtrain.engine.backend.Placement;
import io.ringtrain.engine.cpu.Transpose;

/**
 * Fused kernels for one layer and one direction of a recurrent network, llm.c style: plain loops
 * over float arrays, shapes in the comments. Layout is sequence-first: x [T, B, I], y [T, B, H].
 *
 * <p>Forward: one GEMM projects the whole input sequence, xproj = x·W_ihᵀ + b_ih [T·B, G·H]; then
 * per step one GEMM hproj = h·W_hhᵀ + b_hh [B, G·H] and a fused gate kernel. Backward runs the steps
 * in reverse, per step a fused gate-gradient kernel and one GEMM dh_prev += dhproj·W_hh; the weight
 * gradients are then two GEMMs over all steps at once (dW_ih = dxprojᵀ·x, dW_hh = dhprojᵀ·h_prev).
 *
 * <p>Variable lengths: batch row b is active at time t iff t < lengths[b]. An inactive step leaves
 * h and c unchanged, outputs zero and gets no gradient, as PyTorch's packed sequences do; the
 * reverse direction therefore starts at t = lengths[b] − 1 from h0.
 */
public final class RecurrentKernels {
    private RecurrentKernels() {}

    /** The cell equations, in PyTorch's gate order. */
    public enum Cell {
        /** h' = tanh(W_ih x + b_ih + W_hh h + b_hh) */
        RNN_TANH(1),
        /** h' = relu(W_ih x + b_ih + W_hh h + b_hh) */
        RNN_RELU(1),
        /** gates i, f, g, o: c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c') */
        LSTM(4),
        /** gates r, z, n: n = tanh(W_in x + b_in + r·(W_hn h + b_hn)), h' = (1 − z)·n + z·h */
        GRU(3);

        /** Gate blocks in the weight matrices: W_ih is [gates·H, I]. */
        public final int gates;

        Cell(int gates) {
            this.gates = gates;
        }
    }

    /** What the forward pass keeps for the backward pass of one layer-direction. */
    public static final class Trace {
        final Cell cell;
        final int steps, batch, inputSize, hidden;
        final boolean reverse;
        final int[] lengths;
        float[] x;        // [T, B, I]
        float[] gates;    // [T, B, G·H] gate activations (RNN: h' itself)
        float[] hPrev;    // [T, B, H] hidden state entering each step
        float[] cPrev;    // [T, B, H] LSTM cell state entering each step
        float[] cNext;    // [T, B, H] LSTM cell state leaving each step
        float[] hnProj;   // [T, B, H] GRU: W_hn h + b_hn
        float[] wih, whh; // [G·H, I], [G·H, H]

        /** One layer-direction over x [steps, batch, inputSize]; row b is active at t < lengths[b]. */
        public Trace(Cell cell, int steps, int batch, int inputSize, int hidden, boolean reverse, int[] lengths) {
            this.cell = cell;
            this.steps = steps;
            this.batch = batch;
            this.inputSize = inputSize;
            this.hidden = hidden;
            this.reverse = reverse;
            this.lengths = lengths;
        }
    }

    /**
     * Runs the recurrence. Returns one packed array: y [T, B, H] (zero at inactive steps), then
     * h_T [B, H], then c_T [B, H] (zeros unless LSTM).
     */
    public static float[] forward(Trace tr, float[] x, float[] wih, float[] whh, float[] bih, float[] bhh, float[] h0, float[] c0) {
        Cell cell = tr.cell;
        int T = tr.steps, B = tr.batch, I = tr.inputSize, H = tr.hidden, GH = cell.gates * H;
        int[] len = tr.lengths;
        tr.x = x;
        tr.wih = wih;
        tr.whh = whh;
        // xproj [T·B, GH] = x [T·B, I] · W_ihᵀ [I, GH] + b_ih; W is transposed once so GEMM streams rows.
        float[] xproj = new float[T * B * GH];
        Placement.backend().sgemm(false, false, T * B, GH, I, 1f, x, 0, I, Transpose.transpose(wih, GH, I), 0, GH, 0f, xproj, 0, GH);
        for (int r = 0; r < T * B; r++) for (int j = 0; j < GH; j++) xproj[r * GH + j] += bih[j];
        float[] whhT = Transpose.transpose(whh, GH, H);
        float[] packed = new float[T * B * H + 2 * B * H];
        float[] h = h0.clone(), c = c0.clone();
        float[] hproj = new float[B * GH];
        tr.gates = new float[T * B * GH];
        tr.hPrev = new float[T * B * H];
        if (cell == Cell.LSTM) {
            tr.cPrev = new float[T * B * H];
            tr.cNext = new float[T * B * H];
        }
        if (cell == Cell.GRU) tr.hnProj = new float[T * B * H];
        float[] gates = tr.gates;
        for (int s = 0; s < T; s++) {
            int t = tr.reverse ? T - 1 - s : s;
            System.arraycopy(h, 0, tr.hPrev, t * B * H, B * H);
            if (cell == Cell.LSTM) System.arraycopy(c, 0, tr.cPrev, t * B * H, B * H);
            // hproj [B, GH] = h [B, H] · W_hhᵀ [H, GH] + b_hh
            Placement.backend().sgemm(false, false, B, GH, H, 1f, h, 0, H, whhT, 0, GH, 0f, hproj, 0, GH);
            for (int b = 0; b < B; b++) {
                if (t >= len[b]) continue;
                int xg = (t * B + b) * GH, hg = b * GH, hb = b * H, out = (t * B + b) * H;
                switch (cell) {
                    case RNN_TANH, RNN_RELU -> {
                        for (int j = 0; j < H; j++) {
                            float a = xproj[xg + j] + hproj[hg + j] + bhh[j];
                            float v = cell == Cell.RNN_TANH ? (float) Math.tanh(a) : Math.max(a, 0f);
                            gates[xg + j] = v;
                            h[hb + j] = v;
                        }
                    }
                    case LSTM -> {
                        for (int j = 0; j < H; j++) {
                            float i = ElementwiseOps.sigmoid(xproj[xg + j] + hproj[hg + j] + bhh[j]);
                            float f = ElementwiseOps.sigmoid(xproj[xg + H + j] + hproj[hg + H + j] + bhh[H + j]);
                            float g = (float) Math.tanh(xproj[xg + 2 * H + j] + hproj[hg + 2 * H + j] + bhh[2 * H + j]);
                            float o = ElementwiseOps.sigmoid(xproj[xg + 3 * H + j] + hproj[hg + 3 * H + j] + bhh[3 * H + j]);
                            float cn = f * c[hb + j] + i * g;
                            gates[xg + j] = i;
                            gates[xg + H + j] = f;
                            gates[xg + 2 * H + j] = g;
                            gates[xg + 3 * H + j] = o;
                            tr.cNext[out + j] = cn;
                            c[hb + j] = cn;
                            h[hb + j] = o * (float) Math.tanh(cn);
                        }
                    }
                    case GRU -> {
                        for (int j = 0; j < H; j++) {
                            float r = ElementwiseOps.sigmoid(xproj[xg + j] + hproj[hg + j] + bhh[j]);
                            float z = ElementwiseOps.sigmoid(xproj[xg + H + j] + hproj[hg + H + j] + bhh[H + j]);
                            float hn = hproj[hg + 2 * H + j] + bhh[2 * H + j];
                            float n = (float) Math.tanh(xproj[xg + 2 * H + j] + r * hn);
                            gates[xg + j] = r;
                            gates[xg + H + j] = z;
                            gates[xg + 2 * H + j] = n;
                            tr.hnProj[out + j] = hn;
                            h[hb + j] = (1f - z) * n + z * h[hb + j];
                        }
                    }
                }
                System.arraycopy(h, hb, packed, out, H);
            }
        }
        System.arraycopy(h, 0, packed, T * B * H, B * H);
        if (cell == Cell.LSTM) System.arraycopy(c, 0, packed, T * B * H + B * H, B * H);
        return packed;
    }

    /**
     * Gradients of one layer-direction. {@code dPacked} matches the packed forward output (dy, dh_T,
     * dc_T). Accumulates into dwih, dwhh, dbih, dbhh (any may be null); writes dx [T,B,I], dh0, dc0
     * when not null.
     */
    public static void backward(Trace tr, float[] dPacked, float[] dx, float[] dwih, float[] dwhh, float[] dbih, float[] dbhh,
                         float[] dh0, float[] dc0) {
        Cell cell = tr.cell;
        int T = tr.steps, B = tr.batch, I = tr.inputSize, H = tr.hidden, GH = cell.gates * H;
        int[] len = tr.lengths;
        float[] gates = tr.gates;
        float[] dh = new float[B * H], dc = new float[B * H];
        System.arraycopy(dPacked, T * B * H, dh, 0, B * H);
        if (cell == Cell.LSTM) System.arraycopy(dPacked, T * B * H + B * H, dc, 0, B * H);
        float[] dxproj = new float[T * B * GH];
        float[] dhproj = cell == Cell.GRU ? new float[T * B * GH] : dxproj;
        for (int s = 0; s < T; s++) {
            int t = tr.reverse ? s : T - 1 - s;
            for (int b = 0; b < B; b++) {
                if (t >= len[b]) continue; // an inactive step passes dh, dc through untouched
                int g0 = (t * B + b) * GH, hb = b * H, at = (t * B + b) * H;
                for (int j = 0; j < H; j++) {
                    float dhT = dh[hb + j] + dPacked[at + j];
                    switch (cell) {
                        case RNN_TANH -> {
                            float v = gates[g0 + j];
                            dxproj[g0 + j] = dhT * (1f - v * v);
                            dh[hb + j] = 0f;
                        }
                        case RNN_RELU -> {
                            dxproj[g0 + j] = gates[g0 + j] > 0f ? dhT : 0f;
                            dh[hb + j] = 0f;
                        }
                        case LSTM -> {
                            float i = gates[g0 + j], f = gates[g0 + H + j], g = gates[g0 + 2 * H + j], o = gates[g0 + 3 * H + j];
                            float tc = (float) Math.tanh(tr.cNext[at + j]);
                            float dcT = dc[hb + j] + dhT * o * (1f - tc * tc);
                            dxproj[g0 + j] = dcT * g * i * (1f - i);
                            dxproj[g0 + H + j] = dcT * tr.cPrev[at + j] * f * (1f - f);
                            dxproj[g0 + 2 * H + j] = dcT * i * (1f - g * g);
                            dxproj[g0 + 3 * H + j] = dhT * tc * o * (1f - o);
                            dc[hb + j] = dcT * f;
                            dh[hb + j] = 0f;
                        }
                        case GRU -> {
                            float r = gates[g0 + j], z = gates[g0 + H + j], n = gates[g0 + 2 * H + j];
                            float hn = tr.hnProj[at + j];
                            float dan = dhT * (1f - z) * (1f - n * n);
                            float dar = dan * hn * r * (1f - r);
                            float daz = dhT * (tr.hPrev[at + j] - n) * z * (1f - z);
                            dxproj[g0 + j] = dar;
                            dxproj[g0 + H + j] = daz;
                            dxproj[g0 + 2 * H + j] = dan;
                            dhproj[g0 + j] = dar;
                            dhproj[g0 + H + j] = daz;
                            dhproj[g0 + 2 * H + j] = dan * r;
                            dh[hb + j] = dhT * z;
                        }
                    }
                }
            }
            // dh_prev [B, H] += dhproj_t [B, GH] · W_hh [GH, H]  (zero rows for inactive batch entries)
            Placement.backend().sgemm(false, false, B, H, GH, 1f, dhproj, t * B * GH, GH, tr.whh, 0, H, 1f, dh, 0, H);
        }
        if (dh0 != null) System.arraycopy(dh, 0, dh0, 0, B * H);
        if (dc0 != null && cell == Cell.LSTM) System.arraycopy(dc, 0, dc0, 0, B * H);
        int rows = T * B;
        // dW_hh [GH, H] += dhprojᵀ [GH, T·B] · h_prev [T·B, H];  dW_ih [GH, I] += dxprojᵀ · x
        if (dwhh != null) Placement.backend().sgemm(true, false, GH, H, rows, 1f, dhproj, 0, GH, tr.hPrev, 0, H, 1f, dwhh, 0, H);
        if (dwih != null) Placement.backend().sgemm(true, false, GH, I, rows, 1f, dxproj, 0, GH, tr.x, 0, I, 1f, dwih, 0, I);
        if (dbih != null) for (int r = 0; r < rows; r++) for (int j = 0; j < GH; j++) dbih[j] += dxproj[r * GH + j];
        if (dbhh != null) for (int r = 0; r < rows; r++) for (int j = 0; j < GH; j++) dbhh[j] += dhproj[r * GH + j];
        // dx [T·B, I] = dxproj [T·B, GH] · W_ih [GH, I]
        if (dx != null) Placement.backend().sgemm(false, false, rows, I, GH, 1f, dxproj, 0, GH, tr.wih, 0, I, 0f, dx, 0, I);
    }
}
