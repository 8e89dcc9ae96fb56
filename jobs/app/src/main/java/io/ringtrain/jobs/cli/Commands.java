package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.data.DatasetColumns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Data reading shared by evaluate and predict: the same formats as training. */
final class Commands {
    static final java.util.Set<String> FORMATS = java.util.Set.of("idx", "image-folder", "parquet", "coco", "voc");

    private Commands() {}

    static void requireFormat(String format) {
        if (!FORMATS.contains(format)) throw new IllegalArgumentException("--format " + format + " is invalid: expected idx, image-folder, parquet, coco or voc");
    }

    /**
     * Labelled records in the DatasetColumns layout. {@code classNames}: the model's (may be null);
     * an image folder is labelled by them, by name, and a folder not among them fails.
     */
    static Dataset<Row> labelled(SparkSession spark, String format, String path, boolean trainSplit, String imageColumn, String labelColumn,
                                 java.util.List<String> classNames) {
        return switch (format) {
            case "idx" -> DataSources.idxFolder(spark, path, trainSplit);
            case "image-folder" -> DataSources.imageFolder(spark, path, classNames);
            case "coco" -> DataSources.coco(spark, path);
            case "voc" -> {
                var hadoop = spark.sparkContext().hadoopConfiguration();
                yield DataSources.voc(spark, path, trainSplit ? io.ringtrain.jobs.data.VocAnnotations.trainSplit(path, hadoop)
                        : io.ringtrain.jobs.data.VocAnnotations.testSplit(path, hadoop));
            }
            default -> {
                Dataset<Row> df = DataSources.parquet(spark, null, path);
                if (DatasetColumns.matches(df.schema())) yield df;
                requireColumns(df, path, imageColumn, labelColumn);
                yield DataSources.fromDataFrame(df, imageColumn, labelColumn, null);
            }
        };
    }

    static void requireColumns(Dataset<Row> df, String path, String... columns) {
        java.util.List<String> names = java.util.Arrays.asList(df.schema().fieldNames());
        for (String c : columns) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException(path + " has no column '" + c + "' (its columns: " + String.join(", ", names)
                        + "); name the right one with --image-column / --label-column");
            }
        }
    }
}
