package io.ringtrain.jobs.retrain;

import io.ringtrain.jobs.data.DataSources;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Parquet dataset partitioned by day, {@code root/date=YYYY-MM-DD/part-*.parquet}, each row an
 * encoded image (PNG/JPEG bytes) and an integer label. Partitions are found by listing the
 * folders (no schema inference), and read into the {@link io.ringtrain.jobs.data.DatasetColumns} layout.
 */
public final class DatePartitions {
    private final String root;
    private final String imageColumn;
    private final String labelColumn;

    public DatePartitions(String root, String imageColumn, String labelColumn) {
        this.root = root;
        this.imageColumn = imageColumn;
        this.labelColumn = labelColumn;
    }

    /** The dates present, oldest first. Folders that are not {@code date=YYYY-MM-DD} (e.g. _SUCCESS, .tmp) are ignored. */
    public List<LocalDate> list(Configuration conf) {
        Path path = new Path(root);
        try {
            FileSystem fs = path.getFileSystem(conf);
            if (!fs.exists(path)) throw new IllegalArgumentException("dataset " + root + " does not exist; expected folders date=YYYY-MM-DD holding Parquet files");
            List<LocalDate> dates = new ArrayList<>();
            for (FileStatus s : fs.listStatus(path)) {
                String name = s.getPath().getName();
                if (!s.isDirectory() || !name.startsWith("date=")) continue;
                try {
                    dates.add(LocalDate.parse(name.substring("date=".length())));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("partition folder " + s.getPath() + " is not date=YYYY-MM-DD; rename or remove it");
                }
            }
            dates.sort(null);
            return dates;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the partitions of dataset " + root + ": " + e.getMessage(), e);
        }
    }

    /** The given partitions as one DataFrame in the DatasetColumns layout. */
    public Dataset<Row> read(SparkSession spark, List<LocalDate> dates) {
        if (dates.isEmpty()) throw new IllegalArgumentException("no partitions to read from " + root);
        String[] paths = dates.stream().map(d -> new Path(root, "date=" + d).toString()).toArray(String[]::new);
        Dataset<Row> df = DataSources.parquet(spark, root, paths);
        for (String column : new String[] {imageColumn, labelColumn}) {
            if (!List.of(df.columns()).contains(column)) {
                throw new IllegalArgumentException("dataset " + root + " has no column '" + column + "' (columns: " + List.of(df.columns())
                        + "); set --image-column/--label-column");
            }
        }
        return DataSources.fromDataFrame(df, imageColumn, labelColumn, null);
    }
}
