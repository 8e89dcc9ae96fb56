package io.ringtrain.jobs.cli;

import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/**
 * The dataset flags {@code evaluate} and {@code predict} share (a picocli mixin): where the images
 * are, in which format, which IDX split and which Parquet column holds the encoded images.
 */
final class DatasetOptions {
    @Option(names = "--data", required = true, description = "the images (labelled, for evaluate): IDX folder, image folder, Parquet path, COCO JSON or VOC folder; for evaluate of a text model the text/TSV file (local or Hadoop URI)")
    String data;
    @Option(names = "--format", description = "idx (default), image-folder, parquet, coco or voc; evaluate also takes text or text-pairs (loss in nats/char, token accuracy)")
    String format = "idx";
    @Option(names = "--split", converter = DataSplit.Converter.class,
            description = "for IDX folders: test (default) or train; for text: test (the validation tail the model was trained without) or train")
    DataSplit split = DataSplit.TEST;
    @Option(names = "--image-column", description = "Parquet: column of encoded PNG/JPEG bytes (default image)")
    String imageColumn = "image";

    /** Checks the flags and that the data exists, before Spark starts. */
    void validate(Configuration conf) {
        io.ringtrain.jobs.data.formats.DataFormats.image(format);
        DataPaths.requireExists(data, "--data", conf);
    }

    boolean trainSplit() {
        return split == DataSplit.TRAIN;
    }

    /** The data as named in reports: the path, with the split for formats that hold fixed ones (IDX folders). */
    String describe() {
        return io.ringtrain.jobs.data.formats.DataFormats.image(format).describe(data, trainSplit());
    }
}
