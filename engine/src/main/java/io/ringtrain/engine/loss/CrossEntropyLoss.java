package io.ringtrain.engine.loss;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.CrossEntropyOps;

/**
 * Cross-entropy over class logits, fused log-softmax + negative log-likelihood (PyTorch 1.13's
 * {@code nn.CrossEntropyLoss} with class-index targets, no class weights).
 *
 * <p>Shapes: logits [N, C] or [N, C, d1, ...]; targets [N] or [N, d1, ...] holding class indices
 * (as an {@code int[]} or a float tensor of whole numbers). Per sample i with log-probabilities
 * {@code lp = log_softmax(logits_i)} and ε = labelSmoothing:
 * <pre>
 *   nll_i    = −lp[t_i]                  smooth_i = −Σ_c lp[c]
 *   MEAN:  loss = Σ_{i kept} ((1 − ε)·nll_i + (ε/C)·smooth_i) / K
 *   SUM:   loss = Σ_{i kept} ((1 − ε)·nll_i + (ε/C)·smooth_i)
 * </pre>
 * where "kept" excludes targets equal to {@code ignoreIndex} and K is the number kept: both
 * terms are normalised by the kept count (checked against PyTorch 1.13 in the golden fixtures
 * {@code ce_ignore_smooth_*}). With every target ignored, MEAN gives NaN (0/0), as PyTorch.
 * NONE returns the per-row losses [N, d1, ...] (0 for ignored rows).
 *
 * <p>The maths (forward and gradient) is {@link CrossEntropyOps}; this class holds the settings.
 */
public class CrossEntropyLoss {
    private final int ignoreIndex;
    private final float labelSmoothing;
    private final Reduction reduction;

    /** ignoreIndex −100, no smoothing, mean: PyTorch's defaults. */
    public CrossEntropyLoss() {
        this(-100, 0f, Reduction.MEAN);
    }

    public CrossEntropyLoss(int ignoreIndex, float labelSmoothing, Reduction reduction) {
        if (labelSmoothing < 0f || labelSmoothing > 1f) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
        this.reduction = reduction;
    }

    /** Targets given as a tensor of class indices (float values that are whole numbers). */
    public Tensor forward(Tensor logits, Tensor targets) {
        float[] t = targets.toArray();
        int[] idx = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            idx[i] = (int) t[i];
            if (idx[i] != t[i]) {
                throw new IllegalArgumentException("CrossEntropyLoss target " + i + " is " + t[i] + ": targets must be whole class indices");
            }
        }
        checkTargetShape(logits.shape(), targets.shape());
        return forward(logits, idx);
    }

    public Tensor forward(Tensor logits, int[] targets) {
        return CrossEntropyOps.crossEntropy(logits, targets, ignoreIndex, labelSmoothing, reduction);
    }

    private static void checkTargetShape(int[] logits, int[] targets) {
        boolean ok = targets.length == logits.length - 1 && targets.length >= 1 && targets[0] == logits[0];
        for (int i = 1; ok && i < targets.length; i++) ok = targets[i] == logits[i + 1];
        if (!ok) {
            throw new IllegalArgumentException("CrossEntropyLoss: target shape " + Shape.str(targets) + " does not match logits shape "
                    + Shape.str(logits) + " (expected the logits shape without the class dimension 1)");
        }
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    public float labelSmoothing() {
        return labelSmoothing;
    }

    public Reduction reduction() {
        return reduction;
    }
}
