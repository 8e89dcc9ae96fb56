package io.ringtrain.jobs.data;

import io.ringtrain.jobs.augment.SampleRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;

/**
 * One image of a detection data set as its annotation file describes it: where the file is, its
 * size, and its objects. The driver parses the annotations into these; the executors read the
 * image bytes ({@link #toDataFrame}), so the driver never holds the images.
 */
public record AnnotatedImage(long id, String path, int width, int height, ObjectBoxes objects) implements Serializable {

    /** A stable id from a name (VOC has no numeric ids): {@link SampleRandom#recordId}. */
    static long idOf(String name) {
        return SampleRandom.recordId(name);
    }

    /** The images in the {@link DatasetColumns} layout: label = {@link ObjectBoxes#largestLabel()}, bytes read in the executors. */
    public static Dataset<Row> toDataFrame(SparkSession spark, List<AnnotatedImage> images) {
        // Plain rows travel to the executors with any serializer (Kryo 4 cannot build Java records without our registrator).
        List<Row> listing = new ArrayList<>(images.size());
        for (AnnotatedImage im : images) {
            listing.add(RowFactory.create(im.id, im.path, im.width, im.height, im.objects.corners(), im.objects.labels(), im.objects.ignore()));
        }
        int slices = Math.max(spark.sparkContext().defaultParallelism(), images.size() / 500 + 1);
        JavaRDD<Row> rdd = new JavaSparkContext(spark.sparkContext()).parallelize(listing, Math.max(1, Math.min(slices, images.size())));
        JavaRDD<Row> rows = rdd.mapPartitions(it -> {
            Configuration conf = new Configuration();
            List<Row> out = new ArrayList<>();
            while (it.hasNext()) {
                Row r = it.next();
                ObjectBoxes objects = new ObjectBoxes((float[]) r.get(4), (int[]) r.get(5), (boolean[]) r.get(6));
                out.add(new AnnotatedImage(r.getLong(0), r.getString(1), r.getInt(2), r.getInt(3), objects).toRow(conf));
            }
            return out.iterator();
        });
        return spark.createDataFrame(rows, DatasetColumns.SCHEMA);
    }

    Row toRow(Configuration conf) {
        Path p = new Path(path);
        byte[] bytes;
        try (FSDataInputStream in = p.getFileSystem(conf).open(p)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + path + ": " + e.getMessage(), e);
        }
        return DatasetColumns.toRow(new ImageRecord(id, objects.largestLabel(), height, width, 0, true, bytes, path, objects));
    }

    /** What an annotation file or folder holds: its images with their objects, and the class names in label order. */
    public record Listing(List<AnnotatedImage> images, List<String> classes) {}

    /** How far (pixels) a box may stick out of its image and still be clipped rather than rejected. */
    static final double EDGE_TOLERANCE = 1.0;

    static ObjectBoxes objects(List<float[]> corners, List<Integer> labels, List<Boolean> ignore) {
        float[] flat = new float[4 * corners.size()];
        int[] l = new int[labels.size()];
        boolean[] ig = new boolean[ignore.size()];
        for (int i = 0; i < l.length; i++) {
            System.arraycopy(corners.get(i), 0, flat, 4 * i, 4);
            l[i] = labels.get(i);
            ig[i] = ignore.get(i);
        }
        return new ObjectBoxes(flat, l, ig);
    }

    static boolean exists(Path p, Configuration conf) {
        try {
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for " + p + ": " + e.getMessage(), e);
        }
    }

    /** The names of the files directly in {@code folder}. */
    static Set<String> listing(String folder, Configuration conf) {
        Path p = new Path(folder);
        try {
            Set<String> names = new HashSet<>();
            for (FileStatus s : p.getFileSystem(conf).listStatus(p)) if (s.isFile()) names.add(s.getPath().getName());
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the image folder " + folder + ": " + e.getMessage(), e);
        }
    }
}
