package io.ringtrain.jobs.augment;

import java.util.SplittableRandom;

/**
 * One augmentation step. Drawing the random parameters is separate from applying them, so that a
 * drawn set can be logged and replayed, and so that the transform object itself holds only its
 * configuration: implementations are immutable and safe to share between threads.
 *
 * <p>Serializable, so that a driver can ship a configured pipeline to Spark executors (it holds only
 * configuration: numbers, enums and other transforms).
 *
 * @param <P> the record of random choices this transform draws
 */
public interface Transform<P extends Params> extends java.io.Serializable {
    /** The name used in specs, logs and benchmark output (e.g. {@code "random_resized_crop"}). */
    String name();

    /** Draws this sample's random choices for an input of the given size. */
    P draw(SplittableRandom rng, ImageSize input);

    /** Applies previously drawn choices: same params and sample, same result. */
    Sample apply(P params, Sample sample);

    /** The output size for an input of the given size (the default: unchanged). */
    default ImageSize outputSize(P params, ImageSize input) {
        return input;
    }

    /** Draws and applies in one go. */
    default Sample apply(Sample sample, SplittableRandom rng) {
        return apply(draw(rng, sample.size()), sample);
    }

    /** For containers that hold transforms of mixed param types; fails if {@code params} came from another transform. */
    @SuppressWarnings("unchecked")
    default Sample applyErased(Params params, Sample sample) {
        return apply((P) params, sample);
    }

    @SuppressWarnings("unchecked")
    default ImageSize outputSizeErased(Params params, ImageSize input) {
        return outputSize((P) params, input);
    }
}
