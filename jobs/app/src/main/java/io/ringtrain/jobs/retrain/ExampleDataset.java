package io.ringtrain.jobs.retrain;

import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.run.JobDescription;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A small dataset in the layout {@code ringtrain retrain} reads, made from an IDX folder (e.g. the
 * bundled Fashion-MNIST sample), for trying the pipeline: {@code out/daily/date=YYYY-MM-DD/} with
 * {@code perDay} consecutive training images per day, and {@code out/holdout/} from the test split.
 * Columns: image (PNG bytes), label (int).
 */
public final class ExampleDataset {
    static final StructType SCHEMA = new StructType().add("image", DataTypes.BinaryType, false).add("label", DataTypes.IntegerType, false);

    private ExampleDataset() {}

    public static void write(SparkSession spark, String idxFolder, String out, LocalDate firstDay, int days, int perDay, int holdoutSize) {
        if (days < 1 || perDay < 1 || holdoutSize < 1) throw new IllegalArgumentException("days, per-day and holdout must be ≥ 1");
        try (var job = JobDescription.open(spark.sparkContext(), "ringtrain example-data: write " + days + " daily partitions and a holdout to " + out)) {
            writeDays(spark, idxFolder, out, firstDay, days, perDay, holdoutSize);
        }
    }

    private static void writeDays(SparkSession spark, String idxFolder, String out, LocalDate firstDay, int days, int perDay, int holdoutSize) {
        List<Row> train = DataSources.idxFolder(spark, idxFolder, true).limit(days * perDay).collectAsList();
        if (train.size() < days * perDay) {
            throw new IllegalArgumentException(idxFolder + " holds " + train.size() + " training images, fewer than " + days + " days × " + perDay);
        }
        for (int d = 0; d < days; d++) {
            writePng(spark, train.subList(d * perDay, (d + 1) * perDay), out + "/daily/date=" + firstDay.plusDays(d));
        }
        writePng(spark, DataSources.idxFolder(spark, idxFolder, false).limit(holdoutSize).collectAsList(), out + "/holdout");
    }

    private static void writePng(SparkSession spark, List<Row> idxRows, String path) {
        List<Row> rows = new ArrayList<>(idxRows.size());
        for (Row r : idxRows) rows.add(RowFactory.create(png((byte[]) r.get(6), r.getInt(3), r.getInt(2)), r.getInt(1)));
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(path);
    }

    /** Grey uint8 pixels (row-major, height × width) as a PNG file. */
    static byte[] png(byte[] pixels, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, width, height, pixels);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", buf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }
}
