package io.ringtrain.jobs.data.formats;

import io.ringtrain.jobs.data.DataSources;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** {@code coco}: a COCO instances JSON file, one row per image with its boxes; one file is one split. */
final class CocoFormat extends NamedFormat implements ImageFormat {
    CocoFormat() {
        super("coco");
    }

    @Override
    public Dataset<Row> labelled(SparkSession spark, DataRequest request) {
        return DataSources.coco(spark, request.path());
    }
}
