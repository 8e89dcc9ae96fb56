package io.ringtrain.jobs.predict;

import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.ImageRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Where a DataFrame's rows keep their image, for prediction: either the {@link DatasetColumns}
 * layout (IDX, image folders, anything read with {@code DataSources}; raw or encoded pixels) or any
 * DataFrame with a binary column of encoded PNG/JPEG bytes. Other columns ride along untouched.
 */
final class RowImages implements Serializable {
    private final int[] layoutPositions;
    private final int imagePosition;

    private RowImages(int[] layoutPositions, int imagePosition) {
        this.layoutPositions = layoutPositions;
        this.imagePosition = imagePosition;
    }

    static RowImages forSchema(StructType schema, String imageColumn) {
        if (DatasetColumns.matches(schema)) {
            java.util.List<String> names = DatasetColumns.REQUIRED;
            int[] positions = new int[names.size()];
            for (int i = 0; i < positions.length; i++) positions[i] = schema.fieldIndex(names.get(i));
            return new RowImages(positions, -1);
        }
        if (!Arrays.asList(schema.fieldNames()).contains(imageColumn)) {
            throw new IllegalArgumentException("the DataFrame has no image column '" + imageColumn + "' (its columns: "
                    + String.join(", ", schema.fieldNames()) + "); name the column holding encoded PNG/JPEG bytes, or read the data with DataSources");
        }
        StructField field = schema.apply(imageColumn);
        if (!field.dataType().equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException("image column '" + imageColumn + "' is " + field.dataType().simpleString()
                    + "; predict reads encoded PNG/JPEG bytes (binary) or the DataSources layout " + DatasetColumns.SCHEMA.simpleString());
        }
        return new RowImages(null, schema.fieldIndex(imageColumn));
    }

    /** The row's image as a record; {@code fallbackId} names it in errors when the row has no id. */
    ImageRecord toRecord(Row row, long fallbackId) {
        if (layoutPositions != null) {
            int[] p = layoutPositions;
            return new ImageRecord(row.getLong(p[0]), row.isNullAt(p[1]) ? -1 : row.getInt(p[1]), row.getInt(p[2]), row.getInt(p[3]),
                    row.getInt(p[4]), row.getBoolean(p[5]), (byte[]) row.get(p[6]), row.isNullAt(p[7]) ? null : row.getString(p[7]));
        }
        if (row.isNullAt(imagePosition)) throw new IllegalArgumentException("row " + fallbackId + " has a null image");
        return new ImageRecord(fallbackId, -1, 0, 0, 0, true, (byte[]) row.get(imagePosition), null);
    }
}
