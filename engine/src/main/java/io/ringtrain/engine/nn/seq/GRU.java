package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.functional.RecurrentKernels.Cell;

/**
 * Gated recurrent unit, as PyTorch's {@code nn.GRU}, gates (r, z, n) in that order; note the
 * reset gate multiplies the hidden projection <em>including its bias</em>:
 * <pre>
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 * Shapes, parameter names and variable lengths: see {@link RecurrentLayer}.
 */
public class GRU extends RecurrentLayer {
    public GRU(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, 1, false, false, 0f);
    }

    public GRU(int inputSize, int hiddenSize, int numLayers, boolean bidirectional, boolean batchFirst, float dropout) {
        super(Cell.GRU, inputSize, hiddenSize, numLayers, bidirectional, batchFirst, dropout);
    }
}
