package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.functional.RecurrentKernels.Cell;

/**
 * Elman recurrent network, as PyTorch's {@code nn.RNN}: h' = act(W_ih x + b_ih + W_hh h + b_hh)
 * with act = tanh (default) or ReLU. Shapes, parameter names and variable lengths: see
 * {@link RecurrentLayer}.
 */
public class RNN extends RecurrentLayer {
    public enum Nonlinearity { TANH, RELU }

    public RNN(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, 1, Nonlinearity.TANH, false, false, 0f);
    }

    public RNN(int inputSize, int hiddenSize, int numLayers, Nonlinearity nonlinearity, boolean bidirectional, boolean batchFirst, float dropout) {
        super(nonlinearity == Nonlinearity.RELU ? Cell.RNN_RELU : Cell.RNN_TANH,
                inputSize, hiddenSize, numLayers, bidirectional, batchFirst, dropout);
    }
}
