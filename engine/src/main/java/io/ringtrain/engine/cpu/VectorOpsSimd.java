package io.ringtrain.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API element-wise kernels; {@link VectorOpsReference} is the definition. Each loop runs
 * whole vectors up to {@code SPECIES.loopBound(len)} and finishes the tail with the reference's
 * scalar expression. The element-wise results are bit-for-bit those of the reference (same
 * operations, none fused); sum and dot add in a different order (per lane, then across lanes),
 * so they differ from the left-to-right reference by rounding only.
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

    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector alphas = FloatVector.broadcast(SPECIES, alpha);
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            FloatVector yv = FloatVector.fromArray(SPECIES, y, yOff + i);
            yv.add(FloatVector.fromArray(SPECIES, x, xOff + i).mul(alphas)).intoArray(y, yOff + i);
        }
        for (; i < len; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    static void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int len) {
        FloatVector alphas = FloatVector.broadcast(SPECIES, alpha);
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            FloatVector.fromArray(SPECIES, x, xOff + i).mul(alphas).intoArray(out, outOff + i);
        }
        for (; i < len; i++) out[outOff + i] = alpha * x[xOff + i];
    }

    static float sum(float[] x, int xOff, int len) {
        // Two accumulators hide the add latency.
        FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound2 = len - 2 * V + 1; i < bound2; i += 2 * V) {
            acc0 = acc0.add(FloatVector.fromArray(SPECIES, x, xOff + i));
            acc1 = acc1.add(FloatVector.fromArray(SPECIES, x, xOff + i + V));
        }
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            acc0 = acc0.add(FloatVector.fromArray(SPECIES, x, xOff + i));
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) s += x[xOff + i];
        return s;
    }

    static float dot(float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound2 = len - 2 * V + 1; i < bound2; i += 2 * V) {
            acc0 = FloatVector.fromArray(SPECIES, x, xOff + i)
                    .fma(FloatVector.fromArray(SPECIES, y, yOff + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, x, xOff + i + V)
                    .fma(FloatVector.fromArray(SPECIES, y, yOff + i + V), acc1);
        }
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            acc0 = FloatVector.fromArray(SPECIES, x, xOff + i).fma(FloatVector.fromArray(SPECIES, y, yOff + i), acc0);
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    static float max(float[] x, int xOff, int len) {
        FloatVector acc = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            acc = acc.max(FloatVector.fromArray(SPECIES, x, xOff + i));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) m = Math.max(m, x[xOff + i]);
        return m;
    }

    static void relu(float[] x, int xOff, float[] out, int outOff, int len) {
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            FloatVector.fromArray(SPECIES, x, xOff + i).max(0f).intoArray(out, outOff + i);
        }
        for (; i < len; i++) out[outOff + i] = Math.max(x[xOff + i], 0f);
    }

    static void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            VectorMask<Float> positive = FloatVector.fromArray(SPECIES, x, xOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(SPECIES, dy, dyOff + i), positive).intoArray(dx, dxOff + i);
        }
        for (; i < len; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
    }
}
