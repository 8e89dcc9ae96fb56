package io.ringtrain.engine.functional;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.loss.Reduction;

/**
 * Cross-entropy over class logits, fused log-softmax + negative log-likelihood: the maths behind
 * {@link io.ringtrain.engine.loss.CrossEntropyLoss}, which documents the formulas and holds the
 * settings. Logits [N, C] or [N, C, d1, ...], one class index per sample and position.
 *
 * <p>Gradient: dlogits[c] = Σ_c' g_c' ·(δ_cc' − softmax[c]), with g = ∂loss/∂lp:
 * g_c = (−(1 − ε)·[c = t] − ε/C)/K' (K' = K for MEAN, 1 for SUM, times the upstream gradient).
 */
public final class CrossEntropyOps {
    private CrossEntropyOps() {}

    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float labelSmoothing, Reduction reduction) {
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
                float lse = SoftmaxOps.logSumExp(x, base, inner, classes);
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
            backward(logProbs, targets, gOut, dx, batch, classes, inner, ignoreIndex, eps, reduction, nllDiv, smoothDiv);
            logits.accumulateGradOwned(dx);
        }, logits);
    }

    /** dx = ∂loss/∂logits from the forward's log-probabilities; ignored rows get 0. */
    private static void backward(float[] logProbs, int[] targets, float[] gOut, float[] dx, int batch, int classes, int inner,
                                 int ignoreIndex, float eps, Reduction reduction, double nllDiv, double smoothDiv) {
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
    }
}
