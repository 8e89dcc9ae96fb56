package io.ringtrain.engine.models;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.seq.LSTM;

/**
 * The sequential-image classifier (row-by-row "sequential MNIST"): the LSTM reads the image one
 * row per time step and the last layer's final hidden state is classified.
 * <pre>
 *   x [N, C, H, W] → permute [N, H, C, W] → reshape [N, H, C·W]          (H steps of C·W features)
 *                  → lstm (batch-first, hidden h, 1–2 layers) → h_n of the top layer [N, h]
 *                  → fc (h → classes)                                        → logits [N, classes]
 * </pre>
 * Names {@code lstm.weight_ih_l0}, {@code lstm.bias_hh_l1}, {@code fc.weight}, as a PyTorch module with
 * attributes {@code lstm = nn.LSTM(C·W, h, layers, batch_first=True)} and {@code fc}.
 */
public class LstmImageClassifier extends Module {
    public static final int DEFAULT_HIDDEN = 128;

    private final int[] inputShape;
    private final LSTM lstm;
    private final Linear fc;

    /** Hidden size 128, one layer. */
    public LstmImageClassifier(int[] inputShape, int numClasses) {
        this(inputShape, numClasses, DEFAULT_HIDDEN, 1);
    }

    /** Initialised from {@link io.ringtrain.engine.nn.Init}'s generator (seed it first for a reproducible model). */
    public LstmImageClassifier(int[] inputShape, int numClasses, int hiddenSize, int numLayers) {
        if (inputShape == null || inputShape.length != 3 || inputShape[0] < 1 || inputShape[1] < 1 || inputShape[2] < 1) {
            throw new IllegalArgumentException("LstmImageClassifier takes an input shape [channels, height, width] of positive sizes, got "
                    + (inputShape == null ? "null" : Shape.str(inputShape)));
        }
        if (numClasses < 1) throw new IllegalArgumentException("LstmImageClassifier: classes " + numClasses + " must be ≥ 1");
        this.inputShape = inputShape.clone();
        lstm = registerModule("lstm", new LSTM(inputShape[0] * inputShape[2], hiddenSize, numLayers, false, true, 0f));
        fc = registerModule("fc", new Linear(hiddenSize, numClasses));
    }

    /** images [N, C, H, W] (the constructor's shape) → logits [N, classes]. */
    @Override
    public Tensor forward(Tensor images) {
        int[] s = images.shape();
        if (s.length != 4 || s[1] != inputShape[0] || s[2] != inputShape[1] || s[3] != inputShape[2]) {
            throw new IllegalArgumentException("LstmImageClassifier expects images [N, " + inputShape[0] + ", " + inputShape[1] + ", "
                    + inputShape[2] + "], got shape " + Shape.str(s));
        }
        int n = s[0], c = s[1], h = s[2], w = s[3];
        Tensor rows = images.permute(0, 2, 1, 3).contiguous().reshape(n, h, c * w);
        Tensor hN = lstm.forward(rows, null, null, null).hN();           // [layers, N, hidden]
        return fc.forward(hN.select(0, lstm.numLayers() - 1));
    }
}
