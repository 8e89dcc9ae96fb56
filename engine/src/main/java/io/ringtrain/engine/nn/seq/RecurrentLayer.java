package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.RecurrentKernels;
import io.ringtrain.engine.functional.RecurrentKernels.Cell;
import io.ringtrain.engine.nn.Dropout;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Module;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shared machinery of {@link RNN}, {@link LSTM} and {@link GRU}, as PyTorch's {@code RNNBase}:
 * {@code numLayers} stacked layers, each optionally bidirectional, with dropout on the outputs of
 * every layer but the last (training only).
 *
 * <p>Parameters per layer k and direction (suffix {@code _reverse} for the backward one), with G
 * gates (RNN 1, LSTM 4 in order i,f,g,o, GRU 3 in order r,z,n): {@code weight_ih_lk} [G·H, in],
 * {@code weight_hh_lk} [G·H, H], {@code bias_ih_lk} and {@code bias_hh_lk} [G·H]; in = inputSize for
 * layer 0 and D·H above it (D = 2 when bidirectional). All start U(±1/√H) as in PyTorch.
 *
 * <p>Shapes: input [T, B, in] ([B, T, in] with batchFirst); h0, c0 and the returned h_n, c_n
 * [numLayers·D, B, H] (never batch-first, as PyTorch); output [T, B, D·H] ([B, T, D·H]).
 * With {@code lengths} (one per batch entry, ≤ T) the padded steps of each sequence leave the
 * state unchanged, output zeros and get no gradient — the result equals PyTorch's
 * {@code pack_padded_sequence} → RNN → {@code pad_packed_sequence}.
 */
public abstract class RecurrentLayer extends Module {
    /** output [T, B, D·H] (or batch-first), h_n and c_n [numLayers·D, B, H]; c_n is null except for LSTM. */
    public record Output(Tensor output, Tensor hN, Tensor cN) {}

    private final Cell cell;
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final boolean bidirectional;
    private final boolean batchFirst;
    private final float dropout;
    private final Tensor[][] weights; // [layer·D + direction] → {w_ih, w_hh, b_ih, b_hh}

    RecurrentLayer(Cell cell, int inputSize, int hiddenSize, int numLayers, boolean bidirectional, boolean batchFirst, float dropout) {
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + "(input_size=" + inputSize + ", hidden_size=" + hiddenSize
                    + ", num_layers=" + numLayers + "): all three must be positive");
        }
        if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException(getClass().getSimpleName() + ": dropout " + dropout + " must be in [0, 1)");
        this.cell = cell;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.bidirectional = bidirectional;
        this.batchFirst = batchFirst;
        this.dropout = dropout;
        int d = directions(), gh = cell.gates * hiddenSize;
        this.weights = new Tensor[numLayers * d][];
        for (int layer = 0; layer < numLayers; layer++) {
            int in = layer == 0 ? inputSize : d * hiddenSize;
            for (int dir = 0; dir < d; dir++) {
                String suffix = "_l" + layer + (dir == 1 ? "_reverse" : "");
                weights[layer * d + dir] = new Tensor[] {
                        registerParameter("weight_ih" + suffix, Init.uniformFanIn(hiddenSize, gh, in)),
                        registerParameter("weight_hh" + suffix, Init.uniformFanIn(hiddenSize, gh, hiddenSize)),
                        registerParameter("bias_ih" + suffix, Init.uniformFanIn(hiddenSize, gh)),
                        registerParameter("bias_hh" + suffix, Init.uniformFanIn(hiddenSize, gh))};
            }
        }
    }

    public int directions() {
        return bidirectional ? 2 : 1;
    }

    public Output forward(Tensor input, Tensor h0) {
        return forward(input, h0, null, null);
    }

    @Override
    public Tensor forward(Tensor input) {
        return forward(input, null, null, null).output();
    }

    /**
     * Runs every layer. {@code h0}, {@code c0} may be null (zeros); {@code c0} is only for LSTM.
     * {@code lengths} may be null (every sequence is T long).
     */
    public Output forward(Tensor input, Tensor h0, Tensor c0, int[] lengths) {
        String name = getClass().getSimpleName();
        if (input.dim() != 3 || input.size(2) != inputSize) {
            throw new IllegalArgumentException("tensor shape " + Shape.str(input.shape()) + " does not match " + name + "(input_size="
                    + inputSize + "): expected " + (batchFirst ? "[batch, seq, " : "[seq, batch, ") + inputSize + "]");
        }
        Tensor x = batchFirst ? input.transpose(0, 1).contiguous() : input.contiguous();
        int T = x.size(0), B = x.size(1), H = hiddenSize, D = directions();
        int[] len = lengths != null ? lengths.clone() : filled(B, T);
        if (len.length != B) throw new IllegalArgumentException(name + ": " + len.length + " lengths given for a batch of " + B);
        for (int b = 0; b < B; b++) {
            if (len[b] < 0 || len[b] > T) throw new IllegalArgumentException(name + ": lengths[" + b + "] = " + len[b] + " is outside [0, " + T + "]");
        }
        int[] stateShape = {numLayers * D, B, H};
        checkState("h0", h0, stateShape);
        if (c0 != null && cell != Cell.LSTM) throw new IllegalArgumentException(name + " has no cell state; pass c0 = null");
        checkState("c0", c0, stateShape);
        List<Tensor> hN = new ArrayList<>(), cN = new ArrayList<>();
        for (int layer = 0; layer < numLayers; layer++) {
            List<Tensor> outs = new ArrayList<>();
            for (int dir = 0; dir < D; dir++) {
                int k = layer * D + dir;
                Tensor hInit = h0 == null ? null : h0.select(0, k);
                Tensor cInit = c0 == null ? null : c0.select(0, k);
                Tensor[] r = runDirection(x, hInit, cInit, weights[k], dir == 1, len, T, B, H);
                outs.add(r[0]);
                hN.add(r[1]);
                cN.add(r[2]);
            }
            x = D == 1 ? outs.get(0) : Tensor.cat(outs, 2);
            if (dropout > 0f && isTraining() && layer < numLayers - 1) x = Dropout.apply(x, dropout, Init.rng());
        }
        Tensor output = batchFirst ? x.transpose(0, 1).contiguous() : x;
        return new Output(output, Tensor.stack(hN, 0), cell == Cell.LSTM ? Tensor.stack(cN, 0) : null);
    }

    /** One fused op per layer-direction; returns {y [T,B,H], h_T [B,H], c_T [B,H]} as views of one packed result. */
    private Tensor[] runDirection(Tensor x, Tensor h0, Tensor c0, Tensor[] w, boolean reverse, int[] len, int T, int B, int H) {
        RecurrentKernels.Trace tr = new RecurrentKernels.Trace(cell, T, B, x.size(2), H, reverse, len);
        float[] h0v = h0 == null ? new float[B * H] : h0.contiguous().toArray();
        float[] c0v = c0 == null ? new float[B * H] : c0.contiguous().toArray();
        Tensor wih = w[0], whh = w[1], bih = w[2], bhh = w[3];
        float[] packed = RecurrentKernels.forward(tr, x.data(), wih.data(), whh.data(), bih.data(), bhh.data(), h0v, c0v);
        Tensor xin = x;
        Tensor all = Tensor.fromOp(packed, new int[] {packed.length}, cell.name().toLowerCase() + (reverse ? "_reverse" : ""), g -> {
            float[] dx = xin.requiresGrad() ? new float[xin.numel()] : null;
            float[] dwih = wih.requiresGrad() ? new float[wih.numel()] : null;
            float[] dwhh = whh.requiresGrad() ? new float[whh.numel()] : null;
            float[] dbih = bih.requiresGrad() ? new float[bih.numel()] : null;
            float[] dbhh = bhh.requiresGrad() ? new float[bhh.numel()] : null;
            float[] dh0 = h0 != null && h0.requiresGrad() ? new float[B * H] : null;
            float[] dc0 = c0 != null && c0.requiresGrad() ? new float[B * H] : null;
            RecurrentKernels.backward(tr, g, dx, dwih, dwhh, dbih, dbhh, dh0, dc0);
            if (dx != null) xin.accumulateGrad(dx);
            if (dwih != null) wih.accumulateGrad(dwih);
            if (dwhh != null) whh.accumulateGrad(dwhh);
            if (dbih != null) bih.accumulateGrad(dbih);
            if (dbhh != null) bhh.accumulateGrad(dbhh);
            if (dh0 != null) h0.accumulateGrad(dh0);
            if (dc0 != null) c0.accumulateGrad(dc0);
        }, x, wih, whh, bih, bhh, h0, c0);
        int tbh = T * B * H, bh = B * H;
        return new Tensor[] {
                all.narrow(0, 0, tbh).reshape(T, B, H),
                all.narrow(0, tbh, bh).reshape(B, H),
                all.narrow(0, tbh + bh, bh).reshape(B, H)};
    }

    private void checkState(String what, Tensor state, int[] expected) {
        if (state != null && !Arrays.equals(state.shape(), expected)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + what + " has shape " + Shape.str(state.shape())
                    + " but expected " + Shape.str(expected) + " [num_layers·directions, batch, hidden]");
        }
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int numLayers() {
        return numLayers;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (numLayers != 1 ? ", num_layers=" + numLayers : "")
                + (batchFirst ? ", batch_first=True" : "") + (dropout != 0f ? ", dropout=" + dropout : "")
                + (bidirectional ? ", bidirectional=True" : "");
    }
}
