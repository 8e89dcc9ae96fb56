package io.ringtrain.jobs.data.formats;

import io.ringtrain.jobs.data.DataSources;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** {@code image-folder}: one sub-folder of encoded images per class (torchvision's ImageFolder); no test split of its own. */
final class ImageFolderFormat extends NamedFormat implements ImageFormat {
    ImageFolderFormat() {
        super("image-folder");
    }

    @Override
    public Dataset<Row> labelled(SparkSession spark, DataRequest request) {
        return DataSources.imageFolder(spark, request.path(), request.classNames(), request.failOnOtherFolders());
    }

    @Override
    public java.util.List<String> layoutClassNames(SparkSession spark, String path) {
        return DataSources.imageFolderClasses(spark, path);
    }
}
