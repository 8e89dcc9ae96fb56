package io.ringtrain.jobs.data.formats;

import io.ringtrain.jobs.data.DataSources;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** {@code idx}: a Fashion-MNIST/MNIST folder with the four IDX files, a training and a test split. */
final class IdxFormat extends NamedFormat implements ImageFormat {
    IdxFormat() {
        super("idx");
    }

    @Override
    public Dataset<Row> labelled(SparkSession spark, DataRequest request) {
        return DataSources.idxFolder(spark, request.path(), request.trainSplit());
    }

    @Override
    public Dataset<Row> defaultTest(SparkSession spark, DataRequest request) {
        return DataSources.idxFolder(spark, request.path(), false);
    }

    @Override
    public String describe(String path, boolean trainSplit) {
        return path + " (" + (trainSplit ? "train" : "test") + " split)";
    }
}
