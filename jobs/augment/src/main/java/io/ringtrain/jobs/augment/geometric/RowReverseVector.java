package io.ringtrain.jobs.augment.geometric;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API form of {@link HorizontalFlip#reverseRowsScalar}: whole vectors loaded from the end
 * of the row, lane-reversed and stored at the start. Used only when {@code jdk.incubator.vector} is
 * present; tests compare it with the scalar loop.
 */
final class RowReverseVector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final VectorShuffle<Float> REVERSE = VectorShuffle.fromOp(SPECIES, i -> SPECIES.length() - 1 - i);

    private RowReverseVector() {
    }

    /** Reverses row [base, base + w) of {@code in} into {@code out}; returns how many leading outputs it wrote. */
    static int reverseRow(float[] in, float[] out, int base, int w) {
        int lanes = SPECIES.length();
        int x = 0;
        for (; x + lanes <= w; x += lanes) {
            // outputs x .. x+lanes−1 come from inputs w−1−x down to w−lanes−x
            FloatVector.fromArray(SPECIES, in, base + w - lanes - x).rearrange(REVERSE).intoArray(out, base + x);
        }
        return x;
    }
}
