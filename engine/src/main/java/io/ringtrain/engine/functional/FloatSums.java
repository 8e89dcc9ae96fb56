package io.ringtrain.engine.functional;

/**
 * Float sums written with eight independent accumulators. Java may not reorder float additions,
 * so a plain {@code s += x[i]} loop is one long dependency chain (one add per ~4 cycles) and is
 * never vectorised; eight chains keep the adder busy. The result differs from the sequential sum
 * only by rounding.
 */
public final class FloatSums {
    private FloatSums() {}

    /** Σ x[i] for start ≤ i < end. */
    public static float sum(float[] x, int start, int end) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = start;
        for (; i + 8 <= end; i += 8) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
            s4 += x[i + 4];
            s5 += x[i + 5];
            s6 += x[i + 6];
            s7 += x[i + 7];
        }
        for (; i < end; i++) s0 += x[i];
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** Σ (x[i] − c)² for start ≤ i < end. */
    public static float sumSquaredDeviations(float[] x, int start, int end, float c) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = start;
        for (; i + 4 <= end; i += 4) {
            float d0 = x[i] - c, d1 = x[i + 1] - c, d2 = x[i + 2] - c, d3 = x[i + 3] - c;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < end; i++) {
            float d = x[i] - c;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {Σ dy[i], Σ dy[i]·(x[i] − c)} for start ≤ i < end, in one pass over dy and x, into out[0], out[1]. */
    public static void sumAndSumProductsCentred(float[] dy, float[] x, int start, int end, float c, double[] out) {
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        int i = start;
        for (; i + 4 <= end; i += 4) {
            float g0 = dy[i], g1 = dy[i + 1], g2 = dy[i + 2], g3 = dy[i + 3];
            a0 += g0;
            a1 += g1;
            a2 += g2;
            a3 += g3;
            b0 += g0 * (x[i] - c);
            b1 += g1 * (x[i + 1] - c);
            b2 += g2 * (x[i + 2] - c);
            b3 += g3 * (x[i + 3] - c);
        }
        for (; i < end; i++) {
            a0 += dy[i];
            b0 += dy[i] * (x[i] - c);
        }
        out[0] += (a0 + a1) + (a2 + a3);
        out[1] += (b0 + b1) + (b2 + b3);
    }
}
