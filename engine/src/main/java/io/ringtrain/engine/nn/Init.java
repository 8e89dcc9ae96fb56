package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;

import java.util.SplittableRandom;

/**
 * Parameter initialisation, with a per-thread generator seeded like {@code torch.manual_seed}
 * (each replica thread seeds its own). Bounds follow PyTorch's defaults.
 */
public final class Init {
    private static final ThreadLocal<SplittableRandom> RNG = ThreadLocal.withInitial(() -> new SplittableRandom(0));

    private Init() {}

    public static void manualSeed(long seed) {
        RNG.set(new SplittableRandom(seed));
    }

    public static SplittableRandom rng() {
        return RNG.get();
    }

    /** U(−bound, bound) with bound = 1/√fanIn: PyTorch's kaiming_uniform(a=√5) for Linear/Conv weights, and their bias. */
    public static Tensor uniformFanIn(int fanIn, int... shape) {
        float bound = fanIn > 0 ? (float) (1.0 / Math.sqrt(fanIn)) : 0f;
        return Tensor.uniform(rng(), -bound, bound, shape);
    }

    /** Xavier/Glorot uniform: bound = gain·√(6/(fanIn+fanOut)). */
    public static Tensor xavierUniform(int fanIn, int fanOut, float gain, int... shape) {
        float bound = (float) (gain * Math.sqrt(6.0 / (fanIn + fanOut)));
        return Tensor.uniform(rng(), -bound, bound, shape);
    }

    public static Tensor normal(float std, int... shape) {
        return Tensor.randn(rng(), shape).detach().mulInPlace(std);
    }
}
