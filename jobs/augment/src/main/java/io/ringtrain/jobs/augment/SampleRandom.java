package io.ringtrain.jobs.augment;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Where a sample's randomness comes from: only (job seed, epoch, stable record id). Executor,
 * partition, thread and replica count never enter, so a record gets the same augmentation wherever
 * it is processed, and a different one in the next epoch.
 *
 * <p>The three numbers are combined with SplitMix64's finaliser (Steele, Lea, Flood 2014) after each
 * one, so that neighbouring ids, epochs or seeds give unrelated streams.
 */
public final class SampleRandom {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private SampleRandom() {
    }

    /** The 64-bit seed for one sample in one epoch. */
    public static long seed(long jobSeed, long epoch, long recordId) {
        long h = mix64(jobSeed + GOLDEN_GAMMA);
        h = mix64(h + epoch * GOLDEN_GAMMA + 0x632BE59BD9B4E019L);
        h = mix64(h + recordId * GOLDEN_GAMMA + 0x85157AF5L);
        return h;
    }

    public static SplittableRandom forSample(long jobSeed, long epoch, long recordId) {
        return new SplittableRandom(seed(jobSeed, epoch, recordId));
    }

    /** A stable 64-bit id for records keyed by a string (a file path, a database key): FNV-1a over UTF-8, then mixed. */
    public static long recordId(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xFF);
            h *= 0x100000001b3L;
        }
        return mix64(h);
    }

    /** SplitMix64 finaliser: a bijection on 64-bit values with full avalanche. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [lo, hi]; exactly lo when the range is empty. */
    public static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
    }
}
