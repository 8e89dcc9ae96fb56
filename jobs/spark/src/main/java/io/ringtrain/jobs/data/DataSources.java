package io.ringtrain.jobs.data;

import io.ringtrain.jobs.run.JobDescription;
import io.ringtrain.jobs.augment.SampleRandom;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Reads labelled image datasets into the {@link DatasetColumns} layout. Paths may be local or any
 * Hadoop file system URI ({@code file:}, {@code hdfs:}, {@code s3a:}). Decoding happens later, in
 * the executors.
 */
public final class DataSources {
    private DataSources() {}

    /** The split of a Fashion-MNIST/MNIST folder holding the four IDX files (optionally .gz). */
    public static Dataset<Row> idxFolder(SparkSession spark, String folder, boolean train) {
        String prefix = train ? "train" : "t10k";
        return idx(spark, findIdx(spark, folder, prefix + "-images-idx3-ubyte"), findIdx(spark, folder, prefix + "-labels-idx1-ubyte"),
                train ? 0 : 1_000_000_000L);
    }

    private static String findIdx(SparkSession spark, String folder, String name) {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path p = new Path(folder, candidate);
            try {
                if (p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) return p.toString();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot look for " + p, e);
            }
        }
        throw new IllegalArgumentException("no " + name + "(.gz) in " + folder
                + "; a Fashion-MNIST/MNIST folder holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz");
    }

    /** IDX images (magic 0x803, uint8 N×H×W) and labels (0x801, uint8 N); ids start at {@code firstId}. */
    public static Dataset<Row> idx(SparkSession spark, String imagesPath, String labelsPath, long firstId) {
        var conf = spark.sparkContext().hadoopConfiguration();
        try (InputStream imagesIn = open(imagesPath, conf); InputStream labelsIn = open(labelsPath, conf)) {
            IdxReader.IdxArray images = IdxReader.readImages(imagesIn, imagesPath);
            int[] labels = IdxReader.readLabels(labelsIn, labelsPath);
            int n = images.count(), h = images.dims()[1], w = images.dims()[2];
            if (labels.length != n) throw new IllegalArgumentException(imagesPath + " holds " + n + " images but " + labelsPath + " holds " + labels.length + " labels");
            List<Row> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] pixels = Arrays.copyOfRange(images.values(), i * h * w, (i + 1) * h * w);
                rows.add(DatasetColumns.toRow(new ImageRecord(firstId + i, labels[i], h, w, 1, false, pixels, null)));
            }
            // Spread the rows over several partitions so no single task carries the whole file.
            int slices = Math.max(spark.sparkContext().defaultParallelism(), n / 1000 + 1); // under 1 MB a task
            var rdd = new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).parallelize(rows, slices);
            return spark.createDataFrame(rdd, DatasetColumns.SCHEMA);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX files " + imagesPath + " and " + labelsPath + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(String path, org.apache.hadoop.conf.Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) throw new IllegalArgumentException("data file " + path + " does not exist");
        return fs.open(p);
    }

    /**
     * An image folder with one sub-folder per class ({@code root/cat/001.png}), its classes indexed
     * in sorted order of the folder names found (torchvision's ImageFolder): for a training set.
     * Files stay encoded until an executor reads them.
     */
    public static Dataset<Row> imageFolder(SparkSession spark, String root) {
        return imageFolder(spark, root, null);
    }

    /**
     * An image folder labelled by name with a model's classes: a folder named {@code classNames[k]}
     * gets label k, whichever other folders exist, so a test set without some class keeps the
     * training set's numbering. A folder that is not one of {@code classNames} fails, naming it.
     * {@code classNames} null: the folders' own sorted names, as {@link #imageFolder(SparkSession, String)}.
     */
    public static Dataset<Row> imageFolder(SparkSession spark, String root, List<String> classNames) {
        return imageFolder(spark, root, classNames, true);
    }

    /**
     * As {@link #imageFolder(SparkSession, String, List)}, but with {@code failOnOtherFolders} false
     * the records of a folder that is not one of {@code classNames} get label −1 instead, for a
     * training job that skips bad records: they are out of range, so dropped and reported.
     */
    public static Dataset<Row> imageFolder(SparkSession spark, String root, List<String> classNames, boolean failOnOtherFolders) {
        Dataset<Row> withClass = filesWithClass(spark, root);
        List<String> present = classesOf(withClass, root);
        List<String> classes = classNames != null ? classNames : present;
        for (String folder : present) {
            if (failOnOtherFolders && !classes.contains(folder)) {
                throw new IllegalArgumentException("class folder '" + folder + "' under " + root + " is not one of the model's " + classes.size()
                        + " classes " + classes + "; remove that folder, or use a model trained with that class");
            }
        }
        org.apache.spark.sql.Column label = lit(-1);
        for (int i = classes.size() - 1; i >= 0; i--) {
            label = org.apache.spark.sql.functions.when(col("class").equalTo(classes.get(i)), lit(i)).otherwise(label);
        }
        return withClass.select(callUDF("ringtrain_id_of", col("path")).as("id"), label.as("label"), lit(0).as("height"),
                lit(0).as("width"), lit(0).as("channels"), lit(true).as("encoded"), col("content").as("image"), col("path").as("source"), lit(null).cast(ObjectBoxes.SPARK_TYPE).as("boxes"));
    }

    /** The class names of an image folder: its sub-folders holding images, sorted (a training set's class list). */
    public static List<String> imageFolderClasses(SparkSession spark, String root) {
        return classesOf(filesWithClass(spark, root), root);
    }

    private static Dataset<Row> filesWithClass(SparkSession spark, String root) {
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .option("pathGlobFilter", "*.{png,PNG,jpg,JPG,jpeg,JPEG}").load(root);
        UDF1<String, String> classOf = path -> {
            String[] parts = path.split("/");
            return parts.length >= 2 ? parts[parts.length - 2] : "";
        };
        UDF1<String, Long> idOf = SampleRandom::recordId;
        spark.udf().register("ringtrain_class_of", classOf, DataTypes.StringType);
        spark.udf().register("ringtrain_id_of", idOf, DataTypes.LongType);
        return files.withColumn("class", callUDF("ringtrain_class_of", col("path")));
    }

    private static List<String> classesOf(Dataset<Row> withClass, String root) {
        List<String> classes = new ArrayList<>();
        try (var job = JobDescription.open(withClass.sparkSession().sparkContext(), "ringtrain: list the classes (folder names) under " + root)) {
            for (Row r : withClass.select("class").distinct().collectAsList()) classes.add(r.getString(0));
        }
        if (classes.isEmpty()) throw new IllegalArgumentException("no PNG or JPEG images under " + root + " (expected root/<class>/<image>)");
        java.util.Collections.sort(classes);
        return classes;
    }

    /**
     * Parquet files as they are (any columns). Spark reads a file footer for the schema in a job of
     * its own, which shows as "ringtrain: read the Parquet schema of ..." in the UI.
     * {@code basePath} (may be null) is the partitioned dataset's root, for partition columns.
     */
    public static Dataset<Row> parquet(SparkSession spark, String basePath, String... paths) {
        try (var job = JobDescription.open(spark.sparkContext(), "ringtrain: read the Parquet schema of " + String.join(", ", paths))) {
            var reader = spark.read();
            if (basePath != null) reader = reader.option("basePath", basePath);
            return reader.parquet(paths);
        }
    }

    /**
     * Any DataFrame with an image column (encoded PNG/JPEG bytes) and an integer label column, e.g.
     * read from Parquet. Ids come from {@code idColumn} when given, else from the row's image bytes' hash.
     */
    public static Dataset<Row> fromDataFrame(Dataset<Row> df, String imageColumn, String labelColumn, String idColumn) {
        org.apache.spark.sql.Column id = idColumn != null ? col(idColumn).cast(DataTypes.LongType)
                : org.apache.spark.sql.functions.xxhash64(col(imageColumn));
        return df.select(id.as("id"), col(labelColumn).cast(DataTypes.IntegerType).as("label"), lit(0).as("height"),
                lit(0).as("width"), lit(0).as("channels"), lit(true).as("encoded"), col(imageColumn).as("image"),
                lit(null).cast(DataTypes.StringType).as("source"), lit(null).cast(ObjectBoxes.SPARK_TYPE).as("boxes"));
    }

    /**
     * A COCO instances file ({@link CocoAnnotations}): one row per image, {@code boxes} holding its
     * objects, {@code label} the class of its largest non-crowd object (-1 when it has none).
     */
    public static Dataset<Row> coco(SparkSession spark, String annotationFile) {
        return AnnotatedImage.toDataFrame(spark, CocoAnnotations.read(annotationFile, spark.sparkContext().hadoopConfiguration()).images());
    }

    /**
     * A Pascal VOC folder's split ({@link VocAnnotations}; every annotation when {@code split} is
     * null): one row per image, {@code boxes} holding its objects, {@code label} the class of its
     * largest non-difficult object (-1 when it has none).
     */
    public static Dataset<Row> voc(SparkSession spark, String folder, String split) {
        return AnnotatedImage.toDataFrame(spark, VocAnnotations.read(folder, split, spark.sparkContext().hadoopConfiguration()).images());
    }
}
