package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.data.formats.DataFormats;
import io.ringtrain.jobs.data.formats.DataRequest;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Data reading shared by evaluate and predict: the same formats as training ({@link DataFormats}). */
final class Commands {
    private Commands() {}

    /**
     * Labelled records in the DatasetColumns layout. {@code classNames}: the model's (may be null);
     * an image folder is labelled by them, by name, and a folder not among them fails.
     */
    static Dataset<Row> labelled(SparkSession spark, io.ringtrain.jobs.data.formats.ImageFormat format, String path, boolean trainSplit, String imageColumn, String labelColumn,
                                 java.util.List<String> classNames) {
        return format.labelled(spark, new DataRequest(path, trainSplit, classNames, true, imageColumn, labelColumn, true));
    }
}
