package io.ringtrain.jobs.augment.spec;

/** An augmentation spec that cannot be built; the message names the item, the transform and the parameter. */
public final class SpecException extends IllegalArgumentException {
    public SpecException(String message) {
        super(message);
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
