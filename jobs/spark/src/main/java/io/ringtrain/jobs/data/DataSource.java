package io.ringtrain.jobs.data;

import java.util.Objects;

/**
 * Data the training job reads itself, by location and format, as the command line's
 * {@code --data} and {@code --format} name it: {@code idx}, {@code image-folder}, {@code parquet},
 * {@code coco}, {@code voc}, {@code text} or {@code text-pairs}. The location is a local path or a
 * Hadoop URI; the format is checked with the other training settings.
 */
public record DataSource(String path, String format) {
    public DataSource {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
    }

    public static DataSource of(String path, String format) {
        return new DataSource(path, format);
    }
}
