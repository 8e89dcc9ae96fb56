package io.ringtrain.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API element-wise kernels; {@link VectorOpsReference} is the definition. Each loop runs
 * whole vectors up to {@code SPECIES.loopBound(len)} and finishes the tail with the reference's
 * scalar expression. The results are bit-for-bit those of the reference (same operations, none
 * fused).
 */
final class VectorOpsSimd {
    private VectorOpsSimd() {}

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();

    static void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            FloatVector.fromArray(SPECIES, x, xOff + i).add(FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < len; i++) out[outOff + i] = x[xOff + i] + y[yOff + i];
    }

    static void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            FloatVector.fromArray(SPECIES, x, xOff + i).sub(FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < len; i++) out[outOff + i] = x[xOff + i] - y[yOff + i];
    }

    static void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int len) {
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            FloatVector.fromArray(SPECIES, x, xOff + i).mul(FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < len; i++) out[outOff + i] = x[xOff + i] * y[yOff + i];
    }

    static void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int len) {
        FloatVector alphas = FloatVector.broadcast(SPECIES, alpha);
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            FloatVector.fromArray(SPECIES, x, xOff + i).mul(alphas).intoArray(out, outOff + i);
        }
        for (; i < len; i++) out[outOff + i] = alpha * x[xOff + i];
    }

}
