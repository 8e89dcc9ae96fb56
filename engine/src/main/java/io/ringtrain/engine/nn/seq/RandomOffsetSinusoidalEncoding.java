package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;

import java.util.SplittableRandom;

/**
 * Sinusoidal positions with a random start per sequence during training ("randomized positional
 * encodings", Ruoss et al. 2023): each training sequence of length L gets positions
 * k .. k + L − 1 with k uniform in [0, maxOffset]; evaluation uses offset 0.
 *
 * <p>Trade-off: the model sees the whole table (up to maxOffset + L) during training, so at test
 * time longer sequences use positions it has already met, which helps length generalisation; the
 * price is that absolute position 0 no longer marks the start (add a BOS token if the task needs it)
 * and training is a little noisier. {@code maxLen} must cover maxOffset + the longest sequence.
 */
public class RandomOffsetSinusoidalEncoding extends SinusoidalPositionalEncoding {
    private final int maxOffset;
    private final SplittableRandom generator;

    public RandomOffsetSinusoidalEncoding(int dModel, int maxLen, int maxOffset) {
        this(dModel, maxLen, maxOffset, null);
    }

    /** {@code generator} null draws from {@link Init#rng()}. */
    public RandomOffsetSinusoidalEncoding(int dModel, int maxLen, int maxOffset, SplittableRandom generator) {
        super(dModel, maxLen);
        this.maxOffset = maxOffset;
        this.generator = generator;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining()) return forward(x, 0);
        SplittableRandom rng = generator != null ? generator : Init.rng();
        int L = x.size(1);
        int limit = Math.min(maxOffset, maxLen() - L);
        int[] offsets = new int[x.size(0)];
        for (int b = 0; b < offsets.length; b++) offsets[b] = limit <= 0 ? 0 : rng.nextInt(limit + 1);
        return addPositions(x, offsets);
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + ", max_offset=" + maxOffset;
    }
}
