package io.ringtrain.jobs.augment.pixel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API form of {@link GaussianBlur#convolveRowScalar}: the same sum, in the same order, for
 * a vector of outputs at a time, kept in a register across the taps. (C2 does not vectorise the
 * scalar loops by itself: they read one float array and write another that may be the same.) Used
 * only when {@code jdk.incubator.vector} is present; tests compare it with the scalar reference.
 */
final class BlurVector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private BlurVector() {
    }

    /** Writes whole vectors of outputs from x = 0 and returns the first x left for the scalar loop. */
    static int convolveRow(float[] src, int[] tapStart, float[] kernel, float[] out, int o, int w) {
        int bound = SPECIES.loopBound(w);
        for (int x = 0; x < bound; x += SPECIES.length()) {
            FloatVector acc = FloatVector.fromArray(SPECIES, src, tapStart[0] + x).mul(kernel[0]);
            for (int t = 1; t < kernel.length; t++) {
                acc = acc.add(FloatVector.fromArray(SPECIES, src, tapStart[t] + x).mul(kernel[t]));
            }
            acc.intoArray(out, o + x);
        }
        return bound;
    }
}
