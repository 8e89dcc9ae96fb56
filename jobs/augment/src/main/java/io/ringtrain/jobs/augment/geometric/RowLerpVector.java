package io.ringtrain.jobs.augment.geometric;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API form of {@link Warp#lerpRowsScalar}: the same expression lane by lane. (C2 does not
 * vectorise the scalar loop by itself: it reads one float array and writes another that may be the
 * same.) Used only when {@code jdk.incubator.vector} is present; tests compare it with the scalar loop.
 */
final class RowLerpVector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private RowLerpVector() {
    }

    /** Writes whole vectors from x = 0 and returns the first x left for the scalar loop. */
    static int lerp(float[] rows, int s0, int s1, float a, float b, float[] out, int o, int w) {
        int bound = SPECIES.loopBound(w);
        for (int x = 0; x < bound; x += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, rows, s0 + x).mul(a)
                    .add(FloatVector.fromArray(SPECIES, rows, s1 + x).mul(b))
                    .intoArray(out, o + x);
        }
        return bound;
    }
}
