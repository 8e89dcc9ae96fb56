package io.ringtrain.jobs.evaluate;

import java.io.Serializable;

/**
 * What one partition's evaluation adds up, merged on the driver: the confusion matrix
 * {@code counts[actual][predicted]} and the summed loss, named by {@link #lossName()}: by default
 * cross-entropy Σ (log Σ_k exp z_k − z_label), computed in float64 from each sample's logits z; for
 * a model trained with the user's loss, that loss, summed per batch by the caller ({@link #addLoss}).
 */
public final class ConfusionCounts implements Serializable {
    /** The loss name of the default, cross-entropy. */
    public static final String CROSS_ENTROPY = "cross-entropy";

    private final long[][] counts;
    private final String lossName;
    private double lossSum;

    public ConfusionCounts(int classes) {
        this(classes, CROSS_ENTROPY);
    }

    /** Counts whose loss is {@code lossName}'s: anything but {@link #CROSS_ENTROPY} is summed by the caller through {@link #addLoss}. */
    public ConfusionCounts(int classes, String lossName) {
        this.counts = new long[classes][classes];
        this.lossName = lossName;
    }

    /** Adds one sample: its label and its logits {@code logits[offset .. offset + classes)}; their cross-entropy when that is the loss. */
    public void add(int label, float[] logits, int offset, int predicted) {
        int classes = counts.length;
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " is outside the " + classes + " classes of the model [0, " + (classes - 1)
                    + "]; check the dataset's labels or the model's class count");
        }
        if (lossName.equals(CROSS_ENTROPY)) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) max = Math.max(max, logits[offset + k]);
            double sumExp = 0;
            for (int k = 0; k < classes; k++) sumExp += Math.exp(logits[offset + k] - max);
            lossSum += max + Math.log(sumExp) - logits[offset + label];
        }
        counts[label][predicted]++;
    }

    /** Adds a batch's summed loss, for counts whose loss is not cross-entropy (which {@link #add} sums itself). */
    public void addLoss(double batchLossSum) {
        if (lossName.equals(CROSS_ENTROPY)) throw new IllegalStateException("cross-entropy is summed per sample by add; addLoss is for the user's loss");
        lossSum += batchLossSum;
    }

    /** Adds {@code other}'s counts into this one and returns this. */
    public ConfusionCounts merge(ConfusionCounts other) {
        if (other.counts.length != counts.length) throw new IllegalArgumentException("cannot merge counts over " + other.counts.length + " and " + counts.length + " classes");
        if (!other.lossName.equals(lossName)) throw new IllegalArgumentException("cannot merge the loss " + other.lossName + " into " + lossName);
        for (int a = 0; a < counts.length; a++) for (int p = 0; p < counts.length; p++) counts[a][p] += other.counts[a][p];
        lossSum += other.lossSum;
        return this;
    }

    /** The loss {@link #lossSum()} sums: {@link #CROSS_ENTROPY} or the user's loss class. */
    public String lossName() {
        return lossName;
    }

    public int classes() {
        return counts.length;
    }

    /** A copy of the matrix, rows = actual class, columns = predicted class. */
    public long[][] matrix() {
        long[][] copy = new long[counts.length][];
        for (int a = 0; a < counts.length; a++) copy[a] = counts[a].clone();
        return copy;
    }

    public long count() {
        long n = 0;
        for (long[] row : counts) for (long c : row) n += c;
        return n;
    }

    public double lossSum() {
        return lossSum;
    }
}
