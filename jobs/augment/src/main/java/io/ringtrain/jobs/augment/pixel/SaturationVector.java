package io.ringtrain.jobs.augment.pixel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API form of {@link ColorOps#saturationScalar}: the same expression lane by lane. (C2 does
 * not vectorise the scalar loop by itself: it reads and writes three planes of what may be one array.)
 * Used only when {@code jdk.incubator.vector} is present; tests compare it with the scalar reference.
 */
final class SaturationVector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private SaturationVector() {
    }

    /** Processes whole vectors from pixel 0 and returns the first pixel left for the scalar loop. */
    static int saturation(float[] in, float[] out, int plane, float f) {
        float g = 1 - f;
        int bound = SPECIES.loopBound(plane);
        for (int i = 0; i < bound; i += SPECIES.length()) {
            FloatVector r = FloatVector.fromArray(SPECIES, in, i);
            FloatVector gr = FloatVector.fromArray(SPECIES, in, plane + i);
            FloatVector b = FloatVector.fromArray(SPECIES, in, 2 * plane + i);
            FloatVector grey = r.mul(ColorOps.R_WEIGHT).add(gr.mul(ColorOps.G_WEIGHT)).add(b.mul(ColorOps.B_WEIGHT)).mul(g);
            r.mul(f).add(grey).max(0f).min(255f).intoArray(out, i);
            gr.mul(f).add(grey).max(0f).min(255f).intoArray(out, plane + i);
            b.mul(f).add(grey).max(0f).min(255f).intoArray(out, 2 * plane + i);
        }
        return bound;
    }
}
