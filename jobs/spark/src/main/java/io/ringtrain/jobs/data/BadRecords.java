package io.ringtrain.jobs.data;

import io.ringtrain.jobs.augment.Augmentation;
import io.ringtrain.jobs.augment.spec.AugmentSpec;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * {@code onBadRecord = skip}: one pass in the executors runs every record through the training
 * path's own checks ({@link RecordSamples#check}: label range, decoding, shape after the epoch-0
 * augmentation), drops the records that fail and counts them per {@link BadRecordException.Kind}.
 * The driver plans the replicas' batches on what is left, so every replica still runs the same
 * number of steps. The checked rows are cached (memory, spilling to disk) so the images are
 * decoded once for the check; {@link Filtered#release} frees them after training.
 */
public final class BadRecords {
    private static final int EXAMPLES = 3;

    private BadRecords() {}

    /** What a split lost: {@code total} records read, {@code counts} per kind (every kind, 0 included), a few example records per kind. */
    public record Skipped(String split, long total, Map<String, Long> counts, Map<String, List<String>> examples, String firstReason)
            implements Serializable {
        public long skipped() {
            long n = 0;
            for (long c : counts.values()) n += c;
            return n;
        }

        /** The driver's warning line, e.g. "skipped 2 of 120 train records (onBadRecord=skip): corrupt_image 1 (e.g. a.png), ...". */
        public String warning() {
            StringBuilder sb = new StringBuilder("ringtrain: warning: skipped " + skipped() + " of " + total + " " + split
                    + " records (onBadRecord=skip):");
            String sep = " ";
            for (var e : counts.entrySet()) {
                if (e.getValue() == 0) continue;
                sb.append(sep).append(e.getKey()).append(' ').append(e.getValue()).append(" (e.g. ")
                        .append(String.join(", ", examples.getOrDefault(e.getKey(), List.of()))).append(')');
                sep = ", ";
            }
            if (firstReason != null) sb.append("; first reason: ").append(firstReason);
            return sb.toString();
        }

        /** The counts as one JSON object line for metrics.jsonl. */
        public String metricsLine() {
            var line = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                    .put("type", "skipped_records").put("split", split).put("total", total).put("skipped", skipped());
            counts.forEach(line::put);
            return line.toString();
        }
    }

    /** The records that passed, and the report of those that did not. */
    public record Filtered(Dataset<Row> kept, Skipped skipped, Dataset<Row> checked) {
        public void release() {
            checked.unpersist(false);
        }
    }

    /**
     * Drops the records of {@code data} ({@link DatasetColumns} layout) that cannot be trained on.
     * {@code augmentSpec} (may be null) and {@code seed} are the job's, so the shape check sees what
     * training sees; pass null for test data, which is not augmented.
     */
    public static Filtered drop(Dataset<Row> data, String split, int[] shape, int numClasses, String augmentSpec, long seed) {
        Dataset<Row> layout = DatasetColumns.select(data);
        StructType schema = layout.schema().add("bad_kind", DataTypes.StringType, true).add("bad_record", DataTypes.StringType, true)
                .add("bad_reason", DataTypes.StringType, true);
        int[] inputShape = shape.clone();
        JavaRDD<Row> checked = layout.toJavaRDD().mapPartitions(rows -> {
            AugmentSpec spec = augmentSpec == null ? null : AugmentSpec.parse(augmentSpec);
            Augmentation augmentation = spec == null ? null : new Augmentation(spec.pipeline(), seed, spec.boxFilter());
            return new Iterator<Row>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Row row = rows.next();
                    String kind = null, record = null, reason = null;
                    try {
                        RecordSamples.check(DatasetColumns.toRecord(row), inputShape, numClasses, augmentation);
                    } catch (BadRecordException e) {
                        kind = e.kind().key();
                        record = e.record();
                        reason = e.getMessage();
                    }
                    Object[] values = new Object[row.length() + 3];
                    for (int i = 0; i < row.length(); i++) values[i] = row.get(i);
                    values[row.length()] = kind;
                    values[row.length() + 1] = record;
                    values[row.length() + 2] = reason;
                    return RowFactory.create(values);
                }
            };
        });
        Dataset<Row> df = layout.sparkSession().createDataFrame(checked, schema).persist(StorageLevel.MEMORY_AND_DISK());
        long total = df.count();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (BadRecordException.Kind k : BadRecordException.Kind.values()) counts.put(k.key(), 0L);
        for (Row r : df.filter(col("bad_kind").isNotNull()).groupBy("bad_kind").count().collectAsList()) counts.put(r.getString(0), r.getLong(1));
        Map<String, List<String>> examples = new LinkedHashMap<>();
        String firstReason = null;
        for (var e : counts.entrySet()) {
            if (e.getValue() == 0) continue;
            List<String> names = new ArrayList<>();
            for (Row r : df.filter(col("bad_kind").equalTo(e.getKey())).select("bad_record", "bad_reason").limit(EXAMPLES).collectAsList()) {
                names.add(r.getString(0));
                if (firstReason == null) firstReason = r.getString(1);
            }
            examples.put(e.getKey(), names);
        }
        Skipped skipped = new Skipped(split, total, counts, examples, firstReason);
        if (total > 0 && skipped.skipped() == total) {
            df.unpersist(false);
            throw new IllegalArgumentException("every one of the " + total + " " + split + " records is bad, nothing is left to train on: "
                    + skipped.warning().replace("ringtrain: warning: ", ""));
        }
        Dataset<Row> kept = DatasetColumns.select(df.filter(col("bad_kind").isNull()));
        return new Filtered(kept, skipped, df);
    }
}
