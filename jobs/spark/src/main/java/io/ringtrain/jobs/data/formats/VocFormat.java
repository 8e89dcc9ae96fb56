package io.ringtrain.jobs.data.formats;

import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.data.VocAnnotations;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** {@code voc}: a Pascal VOC folder, one row per image with its boxes; its ImageSets name the train and test (or val) splits. */
final class VocFormat extends NamedFormat implements ImageFormat {
    VocFormat() {
        super("voc");
    }

    @Override
    public Dataset<Row> labelled(SparkSession spark, DataRequest request) {
        var hadoop = spark.sparkContext().hadoopConfiguration();
        String path = request.path();
        return DataSources.voc(spark, path, request.trainSplit() ? VocAnnotations.trainSplit(path, hadoop) : VocAnnotations.testSplit(path, hadoop));
    }

    @Override
    public Dataset<Row> defaultTest(SparkSession spark, DataRequest request) {
        String split = VocAnnotations.testSplit(request.path(), spark.sparkContext().hadoopConfiguration());
        return split == null ? null : DataSources.voc(spark, request.path(), split);
    }
}
