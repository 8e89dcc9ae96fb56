package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.functional.RecurrentKernels.Cell;

/**
 * Long short-term memory, as PyTorch's {@code nn.LSTM}. Per step, with gates in PyTorch's order
 * (i, f, g, o) packed along the rows of the weights:
 * <pre>
 *   i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
 *   g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
 *   c' = f ⊙ c + i ⊙ g                       h' = o ⊙ tanh(c')
 * </pre>
 * Shapes, parameter names and variable lengths: see {@link RecurrentLayer}.
 */
public class LSTM extends RecurrentLayer {
    public LSTM(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, 1, false, false, 0f);
    }

    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean bidirectional, boolean batchFirst, float dropout) {
        super(Cell.LSTM, inputSize, hiddenSize, numLayers, bidirectional, batchFirst, dropout);
    }
}
