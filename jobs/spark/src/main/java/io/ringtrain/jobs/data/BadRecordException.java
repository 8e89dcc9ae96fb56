package io.ringtrain.jobs.data;

import java.util.Locale;

/**
 * A record the model cannot be trained on, and why. With {@code onBadRecord = fail} it fails the job
 * (its message names the record and what to do); with {@code skip} the driver drops the record
 * before planning and counts it under {@link Kind#key()}.
 */
public final class BadRecordException extends IllegalArgumentException {
    /** The kinds the job counts separately. */
    public enum Kind {
        /** Bytes that do not decode: not a PNG/JPEG, truncated, or raw pixels of the wrong length. */
        CORRUPT_IMAGE,
        /** Decoded and augmented, the image is not the model's input shape (or the augmentation cannot take its size). */
        WRONG_SHAPE,
        /** The label lies outside [0, numClasses). */
        LABEL_OUT_OF_RANGE;

        /** The name used in reports: corrupt_image, wrong_shape, label_out_of_range. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final String record;

    public BadRecordException(Kind kind, String record, String message) {
        this(kind, record, message, null);
    }

    public BadRecordException(Kind kind, String record, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.record = record;
    }

    public Kind kind() {
        return kind;
    }

    /** The record's file (source) or "id N". */
    public String record() {
        return record;
    }
}
