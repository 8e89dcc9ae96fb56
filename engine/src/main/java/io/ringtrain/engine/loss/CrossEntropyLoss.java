package io.ringtrain.engine.loss;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;

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
 * <p>Gradient: dlogits[c] = Σ_c' g_c' ·(δ_cc' − softmax[c]), with g = ∂loss/∂lp:
 * g_c = (−(1 − ε)·[c = t] − ε/C)/K' (K' = K for MEAN, 1 for SUM, times the upstream gradient).
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
        int[] s = logits.shape();
        if (s.length < 2) throw new IllegalArgumentException("CrossEntropyLoss expects logits [N, C] or [N, C, d...], got shape " + Shape.str(s));
        int positions = 1;
        for (int i = 2; i < s.length; i++) positions *= s[i];
        final int batch = s[0], classes = s[1], inner = positions;
        int rows = batch * inner;
        if (targets.length != rows) {
            throw new IllegalArgumentException("CrossEntropyLoss: " + targets.length + " targets for logits of shape " + Shape.str(s)
                    + " (expected " + rows + ", one per sample" + (inner > 1 ? " and position" : "") + ")");
        }
        float[] x = logits.contiguous().data();
        float[] logProbs = new float[x.length];
        float[] perRow = new float[rows];
        int kept = 0;
        double nllSum = 0, smoothSum = 0;
        for (int n = 0; n < batch; n++) {
            for (int d = 0; d < inner; d++) {
                int row = n * inner + d, base = n * classes * inner + d;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) max = Math.max(max, x[base + c * inner]);
                double sumExp = 0;
                for (int c = 0; c < classes; c++) sumExp += Math.exp(x[base + c * inner] - max);
                float lse = (float) (max + Math.log(sumExp));
                double smooth = 0;
                for (int c = 0; c < classes; c++) {
                    float lp = x[base + c * inner] - lse;
                    logProbs[base + c * inner] = lp;
                    smooth -= lp;
                }
                int target = targets[row];
                if (target == ignoreIndex) continue;
                if (target < 0 || target >= classes) {
                    throw new IllegalArgumentException("CrossEntropyLoss target " + target + " at position " + row + " is out of range for "
                            + classes + " classes (ignore_index is " + ignoreIndex + ")");
                }
                kept++;
                double nll = -logProbs[base + target * inner];
                nllSum += nll;
                smoothSum += smooth;
                perRow[row] = (float) ((1 - labelSmoothing) * nll + labelSmoothing / classes * smooth);
            }
        }
        float eps = labelSmoothing;
        // MEAN divides both terms by the number of kept (not ignored) rows.
        double nllDiv = reduction == Reduction.MEAN ? kept : 1, smoothDiv = nllDiv;
        float[] value;
        int[] outShape;
        if (reduction == Reduction.NONE) {
            value = perRow;
            outShape = new int[s.length - 1];
            outShape[0] = batch;
            for (int i = 2; i < s.length; i++) outShape[i - 1] = s[i];
        } else {
            double smoothTerm = eps == 0f ? 0 : eps / classes * smoothSum / smoothDiv;
            value = new float[] {(float) ((1 - eps) * nllSum / nllDiv + smoothTerm)};
            outShape = new int[0];
        }
        if (!GradMode.isEnabled()) return Tensor.of(value, outShape);
        return Tensor.fromOp(value, outShape, "cross_entropy", gOut -> {
            float[] dx = new float[x.length];
            for (int n = 0; n < batch; n++) {
                for (int d = 0; d < inner; d++) {
                    int row = n * inner + d, base = n * classes * inner + d;
                    int target = targets[row];
                    if (target == ignoreIndex) continue;
                    double g = reduction == Reduction.NONE ? gOut[row] : gOut[0];
                    double gNll = -(1 - eps) * g / nllDiv, gSmooth = -(eps / classes) * g / smoothDiv;
                    // ∂loss/∂lp_c = gSmooth + [c = t]·gNll; Σ_c of it = C·gSmooth + gNll.
                    double total = classes * gSmooth + gNll;
                    for (int c = 0; c < classes; c++) {
                        int at = base + c * inner;
                        double p = Math.exp(logProbs[at]);
                        dx[at] = (float) (gSmooth + (c == target ? gNll : 0) - p * total);
                    }
                }
            }
            logits.accumulateGradOwned(dx);
        }, logits);
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
