package io.ringtrain.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API softmax / log-softmax over rows; {@link SoftmaxReference} gives the formulas. The
 * exponentials use the Vector API's lanewise EXP (within about 1 ulp of Math.exp), and the row
 * sum is accumulated per lane, so results differ from the reference by rounding only.
 * out may be the same region as x (in place).
 */
final class SoftmaxSimd {
    private SoftmaxSimd() {}

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();

    static void rowsSoftmax(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int in = off + r * cols, o = outOff + r * cols;
            float m = VectorOpsSimd.max(x, in, cols);
            float s = expShiftedInto(x, in, cols, m, out, o);
            float inv = 1f / s;
            int j = 0;
            // out/s as out·(1/s): at most 1 ulp more than a division, and much cheaper.
            for (int bound = SPECIES.loopBound(cols); j < bound; j += V) {
                FloatVector.fromArray(SPECIES, out, o + j).mul(inv).intoArray(out, o + j);
            }
            for (; j < cols; j++) out[o + j] *= inv;
        }
    }

    static void rowsLogSoftmax(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int in = off + r * cols, o = outOff + r * cols;
            float m = VectorOpsSimd.max(x, in, cols);
            float s = expShiftedSum(x, in, cols, m);
            float shift = m + (float) Math.log(s);
            int j = 0;
            for (int bound = SPECIES.loopBound(cols); j < bound; j += V) {
                FloatVector.fromArray(SPECIES, x, in + j).sub(shift).intoArray(out, o + j);
            }
            for (; j < cols; j++) out[o + j] = x[in + j] - shift;
        }
    }

    /** out_j = exp(x_j − m); returns Σ out_j. */
    private static float expShiftedInto(float[] x, int in, int cols, float m, float[] out, int o) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(cols); j < bound; j += V) {
            FloatVector e = FloatVector.fromArray(SPECIES, x, in + j).sub(m).lanewise(VectorOperators.EXP);
            e.intoArray(out, o + j);
            acc = acc.add(e);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) {
            float e = (float) Math.exp(x[in + j] - m);
            out[o + j] = e;
            s += e;
        }
        return s;
    }

    /** Σ exp(x_j − m). */
    private static float expShiftedSum(float[] x, int in, int cols, float m) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(cols); j < bound; j += V) {
            acc = acc.add(FloatVector.fromArray(SPECIES, x, in + j).sub(m).lanewise(VectorOperators.EXP));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) s += (float) Math.exp(x[in + j] - m);
        return s;
    }
}
