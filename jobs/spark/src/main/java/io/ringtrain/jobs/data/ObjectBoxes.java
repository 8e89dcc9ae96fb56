package io.ringtrain.jobs.data;

import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.boxes.BoxFilter;
import io.ringtrain.jobs.augment.boxes.BoxFormat;
import io.ringtrain.jobs.augment.boxes.Boxes;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The annotated objects of one image, as the {@code boxes} column holds them: per object the
 * corners (x_min, y_min, x_max, y_max) in pixels of the stored image, pascal_voc convention in
 * continuous coordinates (the image spans [0, width] × [0, height], as {@link Boxes} works
 * internally), a class index, and {@code ignore} (COCO {@code iscrowd}, VOC {@code difficult}).
 * Ignored objects stay in the column for evaluation; the augmentation path carries the others.
 */
public record ObjectBoxes(float[] corners, int[] labels, boolean[] ignore) implements Serializable {
    /** {@code array<struct<x_min: float, y_min: float, x_max: float, y_max: float, label: int, ignore: boolean>>}. */
    public static final ArrayType SPARK_TYPE = DataTypes.createArrayType(new StructType()
            .add("x_min", DataTypes.FloatType, false)
            .add("y_min", DataTypes.FloatType, false)
            .add("x_max", DataTypes.FloatType, false)
            .add("y_max", DataTypes.FloatType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("ignore", DataTypes.BooleanType, false), false);

    public ObjectBoxes {
        if (corners.length != 4 * labels.length || ignore.length != labels.length) {
            throw new IllegalArgumentException("ObjectBoxes: " + corners.length + " corners, " + labels.length + " labels and "
                    + ignore.length + " ignore flags; expected 4 corners per label");
        }
    }

    public int count() {
        return labels.length;
    }

    /**
     * The class of the largest object that is not ignored, or -1 when there is none: the image-level
     * {@code label} of detection sources, so a classification model can train on them.
     */
    public int largestLabel() {
        int best = -1;
        double bestArea = -1;
        for (int i = 0; i < count(); i++) {
            if (ignore[i]) continue;
            double area = (double) (corners[4 * i + 2] - corners[4 * i]) * (corners[4 * i + 3] - corners[4 * i + 1]);
            if (area > bestArea) {
                bestArea = area;
                best = labels[i];
            }
        }
        return best;
    }

    /** The objects that are not ignored, as the augmentation's {@link Boxes} for an image of {@code size}. */
    public Boxes toBoxes(ImageSize size, BoxFilter filter) {
        List<double[]> kept = new ArrayList<>();
        List<Integer> keptLabels = new ArrayList<>();
        for (int i = 0; i < count(); i++) {
            if (ignore[i]) continue;
            kept.add(new double[] {corners[4 * i], corners[4 * i + 1], corners[4 * i + 2], corners[4 * i + 3]});
            keptLabels.add(labels[i]);
        }
        if (kept.isEmpty()) return Boxes.none();
        return Boxes.of(BoxFormat.PASCAL_VOC, size, kept.toArray(new double[0][]), keptLabels.stream().mapToInt(Integer::intValue).toArray(), filter);
    }

    /** The column value: one struct row per object, as the Scala sequence Spark's row encoder takes. */
    public scala.collection.immutable.Seq<Row> toColumn() {
        List<Row> rows = new ArrayList<>(count());
        for (int i = 0; i < count(); i++) {
            rows.add(RowFactory.create(corners[4 * i], corners[4 * i + 1], corners[4 * i + 2], corners[4 * i + 3], labels[i], ignore[i]));
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(rows).toSeq();
    }

    /** Reads the column value (a Scala sequence or a Java list of struct rows); null stays null. */
    public static ObjectBoxes fromColumn(Object value) {
        if (value == null) return null;
        List<?> rows = value instanceof List<?> l ? l : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) value);
        int n = rows.size();
        float[] corners = new float[4 * n];
        int[] labels = new int[n];
        boolean[] ignore = new boolean[n];
        for (int i = 0; i < n; i++) {
            Row r = (Row) rows.get(i);
            for (int k = 0; k < 4; k++) corners[4 * i + k] = r.getFloat(k);
            labels[i] = r.getInt(4);
            ignore[i] = r.getBoolean(5);
        }
        return new ObjectBoxes(corners, labels, ignore);
    }
}
