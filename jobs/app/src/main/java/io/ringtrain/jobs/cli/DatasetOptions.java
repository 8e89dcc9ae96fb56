package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.data.formats.DataFormat;
import io.ringtrain.jobs.data.formats.DataFormats;
import io.ringtrain.jobs.data.formats.ImageFormat;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/**
 * The dataset flags {@code evaluate} and {@code predict} share (a picocli mixin): where the images
 * are, in which format, which IDX split and which Parquet column holds the encoded images.
 */
final class DatasetOptions {
    @Option(names = "--data", required = true, description = "the images (labelled, for evaluate): IDX folder, image folder, Parquet path, COCO JSON or VOC folder; for evaluate of a text model the text/TSV file (local or Hadoop URI)")
    String data;
    @Option(names = "--format", converter = DataFormatChoice.class, description = "idx (default), image-folder, parquet, coco or voc; evaluate also takes text or text-pairs (loss in nats/char, token accuracy)")
    DataFormat format = DataFormats.DEFAULT;
    @Option(names = "--split", converter = DataSplit.Converter.class,
            description = "for IDX folders: test (default) or train; for text: test (the validation tail the model was trained without) or train")
    DataSplit split = DataSplit.TEST;
    @Option(names = "--image-column", description = "Parquet: column of encoded PNG/JPEG bytes (default image)")
    String imageColumn = "image";

    /** Checks the flags and that the data exists, before Spark starts. */
    void validate(Configuration conf) {
        imageFormat();
        DataPaths.requireExists(data, "--data", conf);
    }

    boolean trainSplit() {
        return split == DataSplit.TRAIN;
    }

    /** The data as named in reports: the path, with the split for formats that hold fixed ones (IDX folders). */
    String describe() {
        return imageFormat().describe(data, trainSplit());
    }

    /** The format as an image format; a text format fails naming the flag and the image formats. */
    ImageFormat imageFormat() {
        if (format instanceof ImageFormat image) return image;
        throw new IllegalArgumentException("--format " + format + " is invalid here: expected " + DataFormats.alternatives(DataFormats.imageNames()));
    }
}
