package io.ringtrain.jobs.augment;

/**
 * The random choices one transform drew for one sample (angles, crop windows, factors, noise seeds).
 * Implementations are small records: their {@code toString} is the log line, and passing the same
 * params to {@link Transform#apply} again replays the augmentation exactly.
 */
public interface Params {
    /** Params of a transform that draws nothing (hflip as a deterministic step, normalise, ...). */
    record None() implements Params {
        public static final None INSTANCE = new None();
    }
}
