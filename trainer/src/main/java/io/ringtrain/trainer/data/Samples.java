package io.ringtrain.trainer.data;

/**
 * A random-access labelled dataset as the trainer sees it: each sample is a float array of a fixed
 * shape. {@code epoch} lets an implementation draw per-epoch augmentation from (seed, epoch, index).
 * The target is a scalar (a class index) unless {@link #targetShape()} says otherwise, e.g. [T] for
 * the next-token ids of a language-model window.
 */
public interface Samples {
    int size();

    /** Shape of one sample, e.g. [1, 28, 28]. */
    int[] sampleShape();

    /** Writes sample {@code index}, as seen in {@code epoch}, into {@code dst} at {@code offset}. */
    void copySample(int index, int epoch, float[] dst, int offset);

    /** The sample's target (a class index for classification). */
    float target(int index);

    /** Shape of one sample's target: [] (a scalar, the default) or e.g. [T] for a token sequence. */
    default int[] targetShape() {
        return new int[0];
    }

    /** Writes sample {@code index}'s target (numel(targetShape()) values) into {@code dst} at {@code offset}. */
    default void copyTarget(int index, float[] dst, int offset) {
        dst[offset] = target(index);
    }
}
