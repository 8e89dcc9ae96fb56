package io.ringtrain.jobs.data.formats;

/**
 * One way a data set is stored (idx, image-folder, parquet, coco, voc, text, text-pairs), as
 * config files and {@code --format} name it. {@link DataFormats} registers every format; an image
 * format ({@link ImageFormat}) also owns how its records are read and which test split it has.
 */
public interface DataFormat extends java.io.Serializable {
    /** The name config files, {@code --format} and saved models use (and what {@code toString()} gives). */
    String name();

    /** Whether its records are character sequences (read by {@link io.ringtrain.jobs.data.TextSources}) rather than images. */
    boolean isText();
}
