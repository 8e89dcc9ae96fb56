package io.ringtrain.jobs.data.formats;

import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.data.DatasetColumns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Arrays;
import java.util.List;

/** {@code parquet}: rows with a column of encoded images and an integer label column (or already in the DatasetColumns layout). */
final class ParquetFormat extends NamedFormat implements ImageFormat {
    ParquetFormat() {
        super("parquet");
    }

    @Override
    public Dataset<Row> labelled(SparkSession spark, DataRequest request) {
        Dataset<Row> df = DataSources.parquet(spark, null, request.path());
        if (request.keepStoredLayout() && DatasetColumns.matches(df.schema())) return df;
        requireColumns(df, request.path(), request.imageColumn(), request.labelColumn());
        return DataSources.fromDataFrame(df, request.imageColumn(), request.labelColumn(), null);
    }

    /** Every column as stored (predict writes them beside the prediction); only the image column is required. */
    @Override
    public Dataset<Row> unlabelled(SparkSession spark, DataRequest request) {
        Dataset<Row> df = DataSources.parquet(spark, null, request.path());
        if (!DatasetColumns.matches(df.schema())) requireColumns(df, request.path(), request.imageColumn());
        return df;
    }

    /** A missing column fails naming it, the columns there are and the flags that name them. */
    static void requireColumns(Dataset<Row> df, String path, String... columns) {
        List<String> names = Arrays.asList(df.schema().fieldNames());
        for (String c : columns) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException(path + " has no column '" + c + "' (its columns: " + String.join(", ", names)
                        + "); name the right one with --image-column / --label-column");
            }
        }
    }
}
