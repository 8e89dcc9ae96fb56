package io.ringtrain.jobs.data;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The DataFrame layout every image source produces and the training job reads:
 * {@code id: long, label: int, height: int, width: int, channels: int, encoded: boolean,
 * image: binary, source: string, boxes: array<struct>}. Height/width/channels are 0 for encoded
 * images (known once decoded), except that detection sources give the annotated height and width.
 * {@code boxes} ({@link ObjectBoxes#SPARK_TYPE}) is null except for detection sources (COCO, VOC),
 * and optional in a DataFrame handed to {@link #select}.
 */
public final class DatasetColumns {
    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("height", DataTypes.IntegerType, false)
            .add("width", DataTypes.IntegerType, false)
            .add("channels", DataTypes.IntegerType, false)
            .add("encoded", DataTypes.BooleanType, false)
            .add("image", DataTypes.BinaryType, false)
            .add("source", DataTypes.StringType, true)
            .add("boxes", ObjectBoxes.SPARK_TYPE, true);

    /** The columns every DataFrame in the layout must have ({@code boxes} may be absent). */
    public static final java.util.List<String> REQUIRED = java.util.List.of(SCHEMA.fieldNames()).subList(0, 8);

    private DatasetColumns() {}

    /** True when {@code schema} has every column of the layout (by name; other columns may follow). */
    public static boolean matches(StructType schema) {
        return java.util.Set.of(schema.fieldNames()).containsAll(REQUIRED);
    }

    /**
     * The layout's columns of {@code df}, in the layout's order (rows are read by position); fails
     * naming the missing columns.
     */
    public static org.apache.spark.sql.Dataset<Row> select(org.apache.spark.sql.Dataset<Row> df) {
        java.util.List<String> missing = new java.util.ArrayList<>();
        java.util.Set<String> names = java.util.Set.of(df.schema().fieldNames());
        for (String name : REQUIRED) if (!names.contains(name)) missing.add(name);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the DataFrame lacks the columns " + missing + " of the ringtrain dataset layout " + SCHEMA.simpleString()
                    + "; read it with DataSources (idxFolder, imageFolder, fromDataFrame) first");
        }
        org.apache.spark.sql.Column[] cols = new org.apache.spark.sql.Column[SCHEMA.length()];
        for (int i = 0; i < cols.length; i++) {
            String name = SCHEMA.fieldNames()[i];
            cols[i] = names.contains(name) ? org.apache.spark.sql.functions.col(name)
                    : org.apache.spark.sql.functions.lit(null).cast(SCHEMA.apply(name).dataType()).as(name);
        }
        return df.select(cols);
    }

    public static ImageRecord toRecord(Row row) {
        return new ImageRecord(row.getLong(0), row.getInt(1), row.getInt(2), row.getInt(3), row.getInt(4),
                row.getBoolean(5), (byte[]) row.get(6), row.isNullAt(7) ? null : row.getString(7),
                row.length() > 8 ? ObjectBoxes.fromColumn(row.get(8)) : null);
    }

    public static Row toRow(ImageRecord r) {
        return org.apache.spark.sql.RowFactory.create(r.id(), r.label(), r.height(), r.width(), r.channels(), r.encoded(), r.pixels(), r.source(),
                r.objects() == null ? null : r.objects().toColumn());
    }
}
