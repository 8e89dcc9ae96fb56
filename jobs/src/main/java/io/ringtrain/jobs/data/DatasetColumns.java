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

    public static ImageRecord toRecord(Row row) {
        return new ImageRecord(row.getLong(0), row.getInt(1), row.getInt(2), row.getInt(3), row.getInt(4),
                row.getBoolean(5), (byte[]) row.get(6), row.isNullAt(7) ? null : row.getString(7));
    }

    public static Row toRow(ImageRecord r) {
        return org.apache.spark.sql.RowFactory.create(r.id(), r.label(), r.height(), r.width(), r.channels(), r.encoded(), r.pixels(), r.source());
    }
}
