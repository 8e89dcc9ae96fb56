package io.ringtrain.trainer.loop;

import io.ringtrain.engine.Tensor;
import io.ringtrain.trainer.data.Batch;

/**
 * Per-token cross-entropy for language models and seq2seq: logits [n, T, V], targets [n, T] of token
 * ids, where targets equal to {@code ignoreIndex} (padding) count for nothing. A sample's loss is the
 * mean over its real tokens, ℓᵢ = −(1/Rᵢ) Σ_{t real} log softmax(logitsᵢₜ)[yᵢₜ], and {@link #lossSum}
 * is Σᵢ ℓᵢ; so the trainer's division by the global sample count gives the mean per-sample loss, the
 * same for any split of the batch over replicas. With equal-length samples (language-model windows)
 * that is exactly the mean loss per token, in nats. A sample with no real token contributes 0.
 *
 * <p>Evaluation counts: {@link #accuracySum} is Σᵢ (right tokens / real tokens) of each sample
 * (teacher-forced arg-max), so the trainer's reported accuracy is the mean per-sequence token
 * accuracy (the plain token accuracy for equal-length samples); {@link #correct} counts the
 * sequences whose real tokens are all right (teacher-forced exact match).
 */
public final class TokenCrossEntropyObjective implements Objective {
    private final int ignoreIndex;

    /** {@code ignoreIndex}: the padding target to skip (e.g. the PAD id), or a negative value for none. */
    public TokenCrossEntropyObjective(int ignoreIndex) {
        this.ignoreIndex = ignoreIndex;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    @Override
    public Tensor lossSum(Tensor logits, Batch batch) {
        int n = batch.size();
        int[] nt = checkShapes(logits, batch);
        int steps = nt[1], vocab = logits.size(2);
        float[] targets = batch.targets().toArray();
        // weight[i, t, y] = 1/Rᵢ at each real target token: the loss is −Σ weight · log softmax.
        float[] weight = new float[n * steps * vocab];
        for (int i = 0; i < n; i++) {
            int real = 0;
            for (int t = 0; t < steps; t++) if (isReal(targets[i * steps + t], vocab, i, t)) real++;
            if (real == 0) continue;
            float share = 1f / real;
            for (int t = 0; t < steps; t++) {
                int y = (int) targets[i * steps + t];
                if (y != ignoreIndex) weight[(i * steps + t) * vocab + y] = share;
            }
        }
        return logits.logSoftmax(2).mul(Tensor.of(weight, n, steps, vocab)).sum().neg();
    }

    @Override
    public long correct(Tensor logits, Batch batch) {
        long exact = 0;
        for (double share : tokenAccuracies(logits, batch)) if (share == 1.0) exact++;
        return exact;
    }

    @Override
    public double accuracySum(Tensor logits, Batch batch) {
        double sum = 0;
        for (double share : tokenAccuracies(logits, batch)) sum += share;
        return sum;
    }

    /** Per sample: right real tokens / real tokens (0 for a sample without real tokens). */
    private double[] tokenAccuracies(Tensor logits, Batch batch) {
        int n = batch.size(), steps = checkShapes(logits, batch)[1];
        int[] predicted = logits.argmaxLastDim();
        float[] targets = batch.targets().toArray();
        double[] shares = new double[n];
        for (int i = 0; i < n; i++) {
            int real = 0, right = 0;
            for (int t = 0; t < steps; t++) {
                int y = (int) targets[i * steps + t];
                if (y == ignoreIndex) continue;
                real++;
                if (predicted[i * steps + t] == y) right++;
            }
            shares[i] = real == 0 ? 0 : right / (double) real;
        }
        return shares;
    }

    private static int[] checkShapes(Tensor logits, Batch batch) {
        int[] ts = batch.targets().shape();
        if (logits.dim() != 3 || ts.length != 2 || logits.size(0) != ts[0] || logits.size(1) != ts[1]) {
            throw new IllegalArgumentException("per-token cross-entropy needs logits [n, T, vocab] and targets [n, T], got logits "
                    + java.util.Arrays.toString(logits.shape()) + " and targets " + java.util.Arrays.toString(ts)
                    + "; a sequence model's output must have one row of logits per target token");
        }
        return ts;
    }

    private boolean isReal(float target, int vocab, int sample, int step) {
        int y = (int) target;
        if (y == ignoreIndex) return false;
        if (y < 0 || y >= vocab || y != target) {
            throw new IllegalArgumentException("target token " + target + " of sample " + sample + " at position " + step + " is outside the model's "
                    + vocab + "-token vocabulary [0, " + (vocab - 1) + "]; check the vocabulary the data was encoded with");
        }
        return true;
    }
}
