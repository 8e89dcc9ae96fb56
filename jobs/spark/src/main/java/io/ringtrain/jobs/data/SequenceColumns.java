package io.ringtrain.jobs.data;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * The DataFrame layout of token sequences, beside the image layout {@link DatasetColumns}:
 * {@code id: long, tokens: array<int>, target: array<int> (null for language-model windows),
 * source: string}. Text sources ({@link TextSources}) produce it; the training job reads it for
 * the text models. {@code id} comes first, as in the image layout, so rows route to replicas the same way.
 */
public final class SequenceColumns {
    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("target", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
            .add("source", DataTypes.StringType, true);

    private SequenceColumns() {}

    public static Row toRow(SequenceRecord r) {
        return RowFactory.create(r.id(), seq(r.tokens()), r.target() == null ? null : seq(r.target()), r.source());
    }

    public static SequenceRecord toRecord(Row row) {
        return new SequenceRecord(row.getLong(0), ints(row.getList(1)), row.isNullAt(2) ? null : ints(row.getList(2)),
                row.isNullAt(3) ? null : row.getString(3));
    }

    /** Rows to a DataFrame of this layout, spread over enough partitions that no task carries much. */
    public static Dataset<Row> frame(org.apache.spark.sql.SparkSession spark, List<Row> rows) {
        int slices = Math.max(1, Math.min(spark.sparkContext().defaultParallelism() * 4, rows.size() / 2000 + 1));
        var rdd = new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).parallelize(rows, slices);
        return spark.createDataFrame(rdd, SCHEMA);
    }

    /** A Scala Seq: the external type Spark's row encoder takes for array columns. */
    private static scala.collection.immutable.Seq<Object> seq(int[] v) {
        List<Object> boxed = new java.util.ArrayList<>(v.length);
        for (int x : v) boxed.add(x);
        return scala.jdk.javaapi.CollectionConverters.asScala(boxed).toList();
    }

    private static int[] ints(List<Object> v) {
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) v.get(i)).intValue();
        return out;
    }
}
