package io.ringtrain.jobs.data.formats;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An image format: the one place that reads its records, for training, evaluate and predict alike,
 * and knows whether a training set in it carries its own test split.
 */
public interface ImageFormat extends DataFormat {
    @Override
    default boolean isText() {
        return false;
    }

    /** {@code request}'s split of its path as labelled records in the {@link io.ringtrain.jobs.data.DatasetColumns} layout. */
    Dataset<Row> labelled(SparkSession spark, DataRequest request);

    /** Images to predict on: the labelled records, unless the format can hold images without labels. */
    default Dataset<Row> unlabelled(SparkSession spark, DataRequest request) {
        return labelled(spark, request);
    }

    /** The test set of the training set at {@code request}'s path when no test data is named: its own test split, or null when it has none. */
    default Dataset<Row> defaultTest(SparkSession spark, DataRequest request) {
        return null;
    }

    /**
     * The class names the data set at {@code path} implies by its layout, index k naming label k
     * (image-folder: its sorted folder names); null when its labels are numbers only.
     */
    default java.util.List<String> layoutClassNames(SparkSession spark, String path) {
        return null;
    }

    /** How reports name the data at {@code path}: the path, and the split read where the format holds fixed ones (idx). */
    default String describe(String path, boolean trainSplit) {
        return path;
    }
}
