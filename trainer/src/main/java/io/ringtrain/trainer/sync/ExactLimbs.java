package io.ringtrain.trainer.sync;

import io.ringtrain.allreduce.Compression;
import io.ringtrain.allreduce.reduce.BFloat16;

/**
 * A double carried exactly through a float all-reduce: it is split into limbs, floats that are
 * each exactly representable on the wire (24 significant bits, or bfloat16's 8 under {@link
 * Compression#BF16}), so neither the wire nor a sum with zeros rounds them, and the limbs add back
 * to the double. Exact for magnitudes from about 1e-20 up to float's range; smaller remainders
 * fall into float's subnormals and lose bits, larger values overflow to infinity.
 */
final class ExactLimbs {
    private final boolean bf16;
    private final int limbs;

    ExactLimbs(Compression wire) {
        this.bf16 = wire == Compression.BF16;
        // each limb takes at least 24 (float) or 7 (bfloat16, rounded twice) of the double's 53 bits
        this.limbs = bf16 ? 8 : 3;
    }

    /** Floats one double takes. */
    int limbs() {
        return limbs;
    }

    /** Writes {@code value}'s limbs to {@code out[at..at + limbs())}, largest first. */
    void encode(double value, float[] out, int at) {
        double rest = value;
        for (int i = 0; i < limbs; i++) {
            float limb = bf16 ? BFloat16.round((float) rest) : (float) rest;
            out[at + i] = limb;
            // exact: the limb holds the leading bits of rest, so the difference fits rest's own bits
            rest = Double.isFinite(limb) ? rest - limb : 0;
        }
    }

    /** The double whose limbs are {@code in[at..at + limbs())}. */
    double decode(float[] in, int at) {
        double value = 0;
        for (int i = limbs - 1; i >= 0; i--) value += in[at + i]; // smallest first: every partial sum is exact
        return value;
    }
}
