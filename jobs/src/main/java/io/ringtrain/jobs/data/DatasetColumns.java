package io.ringtrain.jobs.data;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The DataFrame layout every image source produces and the training job reads:
 * {@code id: long, label: int, height: int, width: int, channels: int, encoded: boolean,
 * image: binary, source: string}. Height/width/channels are 0 for encoded images (known once decoded).
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
            .add("source", DataTypes.StringType, true);

    private DatasetColumns() {}

    /** True when {@code schema} has every column of the layout (by name; other columns may follow). */
    public static boolean matches(StructType schema) {
        java.util.Set<String> names = java.util.Set.of(schema.fieldNames());
        for (String name : SCHEMA.fieldNames()) if (!names.contains(name)) return false;
        return true;
    }

    /**
     * The layout's columns of {@code df}, in the layout's order (rows are read by position); fails
     * naming the missing columns.
     */
    public static org.apache.spark.sql.Dataset<Row> select(org.apache.spark.sql.Dataset<Row> df) {
        java.util.List<String> missing = new java.util.ArrayList<>();
        java.util.Set<String> names = java.util.Set.of(df.schema().fieldNames());
        for (String name : SCHEMA.fieldNames()) if (!names.contains(name)) missing.add(name);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the DataFrame lacks the columns " + missing + " of the ringtrain dataset layout " + SCHEMA.simpleString()
                    + "; read it with DataSources (idxFolder, imageFolder, fromDataFrame) first");
        }
        org.apache.spark.sql.Column[] cols = new org.apache.spark.sql.Column[SCHEMA.length()];
        for (int i = 0; i < cols.length; i++) cols[i] = org.apache.spark.sql.functions.col(SCHEMA.fieldNames()[i]);
        return df.select(cols);
    }

    public static ImageRecord toRecord(Row row) {
        return new ImageRecord(row.getLong(0), row.getInt(1), row.getInt(2), row.getInt(3), row.getInt(4),
                row.getBoolean(5), (byte[]) row.get(6), row.isNullAt(7) ? null : row.getString(7));
    }

    public static Row toRow(ImageRecord r) {
        return org.apache.spark.sql.RowFactory.create(r.id(), r.label(), r.height(), r.width(), r.channels(), r.encoded(), r.pixels(), r.source());
    }
}
