package io.ringtrain.jobs.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.run.RunFolder;
import io.ringtrain.trainer.data.GlobalBatchPlan;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code sharding = streaming}: the driver writes the prepared training set once as one Parquet
 * shard per replica under the run folder's {@code shards/}, and each replica streams its shard every
 * epoch ({@link ParquetShard}, {@link StreamingSamples}).
 *
 * <p>Shards have equal sizes: record i (in the input's order) goes to shard i mod N, and when N does
 * not divide the record count the first records are repeated to fill the last shards (as PyTorch's
 * {@code DistributedSampler} pads), so every replica runs ⌈(n/N) / b⌉ steps and none is ever short.
 * Within a shard the records are stored in the order of a hash of (seed, i), so the stored order
 * is already mixed (an image folder's class-by-class order is not carried into the shards).
 * {@code shards/manifest.json} is written last; a rerun with the same data, replicas and seed reuses
 * the shards (resume), anything else rewrites them.
 */
public final class StreamingShards {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Parquet row-group size of the shards: what a reader holds at once besides the records. */
    static final int ROW_GROUP_BYTES = 8 << 20;

    private StreamingShards() {}

    /** Where the shards are and how many records each holds (the same for all). */
    public record Layout(String folder, int replicas, int perShard, long records) implements Serializable {
        /** Shard {@code rank}'s files: the write task of partition {@code rank} names them part-0000rank-…. */
        public List<String> files(int rank, Configuration conf) {
            Path data = new Path(folder, "data");
            String prefix = String.format(Locale.ROOT, "part-%05d-", rank);
            List<String> out = new ArrayList<>();
            try {
                FileStatus[] all = data.getFileSystem(conf).listStatus(data, p -> p.getName().startsWith(prefix) && p.getName().endsWith(".parquet"));
                Arrays.sort(all, Comparator.comparing(s -> s.getPath().getName()));
                for (FileStatus s : all) out.add(s.getPath().toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the shards in " + data + ": " + e.getMessage(), e);
            }
            if (out.isEmpty()) throw new IllegalStateException("no shard file for replica " + rank + " in " + data + "; delete " + folder + " to rewrite the shards");
            return out;
        }
    }

    /**
     * The shards of {@code train} ({@link DatasetColumns} layout) for {@code replicas} replicas in
     * {@code runDir}/shards: reused when the manifest there matches {@code fingerprint} (what the
     * data is: path, format, filtering, seed) and the replica count, else written anew.
     */
    public static Layout writeOrReuse(SparkSession spark, Dataset<Row> train, String runDir, int replicas, long seed, String fingerprint,
                                      PrintStream console) {
        RunFolder run = new RunFolder(runDir);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String folder = run.path("shards").toString();
        Layout existing = readManifest(run, hadoop, folder, replicas, fingerprint);
        if (existing != null) {
            console.println("ringtrain: reusing the " + replicas + " streaming shards in " + folder + " (" + existing.perShard() + " records each)");
            return existing;
        }
        try {
            FileSystem fs = run.fs(hadoop);
            if (fs.exists(new Path(folder))) fs.delete(new Path(folder), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + folder + ": " + e.getMessage(), e);
        }
        Dataset<Row> layout = DatasetColumns.select(train);
        long total = layout.count();
        if (total < replicas) throw new IllegalArgumentException("the training data holds " + total + " records, fewer than the " + replicas + " replicas");
        long perShardLong = (total + replicas - 1) / replicas;
        if (perShardLong > Integer.MAX_VALUE) throw new IllegalArgumentException(perShardLong + " records per shard: use more replicas");
        long pad = perShardLong * replicas - total;
        int n = replicas;
        JavaRDD<Row> rows = layout.toJavaRDD().zipWithIndex().flatMapToPair(t -> {
            long i = t._2();
            List<Tuple2<Tuple2<Integer, Long>, Row>> out = new ArrayList<>(2);
            out.add(new Tuple2<>(new Tuple2<>((int) (i % n), GlobalBatchPlan.mix(seed, i)), t._1()));
            if (i < pad) out.add(new Tuple2<>(new Tuple2<>((int) ((total + i) % n), GlobalBatchPlan.mix(seed, total + i)), t._1()));
            return out.iterator();
        }).repartitionAndSortWithinPartitions(new ShardPartitioner(n), new StoredOrder()).values();
        spark.createDataFrame(rows, DatasetColumns.SCHEMA).write().option("parquet.block.size", ROW_GROUP_BYTES).mode("overwrite")
                .parquet(new Path(folder, "data").toString());
        Layout written = new Layout(folder, replicas, (int) perShardLong, total);
        run.writeText(hadoop, "shards/manifest.json", new Manifest(replicas, perShardLong, total, pad, fingerprint).toJson());
        console.println("ringtrain: wrote " + replicas + " streaming shards of " + perShardLong + " records to " + folder
                + (pad > 0 ? " (" + pad + (pad == 1 ? " record" : " records") + " repeated to make them equal)" : ""));
        return written;
    }

    private static Layout readManifest(RunFolder run, Configuration hadoop, String folder, int replicas, String fingerprint) {
        Path manifest = run.path("shards/manifest.json");
        try {
            FileSystem fs = run.fs(hadoop);
            if (!fs.exists(manifest)) return null;
            Manifest m;
            try (var in = fs.open(manifest)) {
                m = JSON.readValue((java.io.InputStream) in, Manifest.class);
            }
            if (m.replicas() != replicas || !fingerprint.equals(m.fingerprint())) return null;
            return new Layout(folder, replicas, Math.toIntExact(m.perShard()), m.records());
        } catch (IOException e) {
            return null; // an unreadable manifest: write the shards again
        }
    }

    /**
     * shards/manifest.json: the replica count, records per shard, records in all, records repeated
     * to make the shards equal, and the fingerprint of the data they were written from.
     */
    record Manifest(@JsonProperty("replicas") int replicas, @JsonProperty("per_shard") long perShard, @JsonProperty("records") long records,
                    @JsonProperty("repeated") long repeated, @JsonProperty("fingerprint") String fingerprint) {
        String toJson() {
            try {
                return JSON.writeValueAsString(this) + "\n";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Key (shard, stored-order hash) → partition = shard, so write task r writes shard r. */
    static final class ShardPartitioner extends Partitioner {
        private final int shards;

        ShardPartitioner(int shards) {
            this.shards = shards;
        }

        @Override
        public int numPartitions() {
            return shards;
        }

        @Override
        @SuppressWarnings("unchecked")
        public int getPartition(Object key) {
            return ((Tuple2<Integer, Long>) key)._1();
        }
    }

    /** Records within a shard in order of their hash: the order the shard is stored and read in. */
    static final class StoredOrder implements Comparator<Tuple2<Integer, Long>>, Serializable {
        @Override
        public int compare(Tuple2<Integer, Long> a, Tuple2<Integer, Long> b) {
            return Long.compare(a._2(), b._2());
        }
    }
}
