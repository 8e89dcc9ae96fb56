package io.ringtrain.jobs.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One replica's shard as Parquet files in the {@link DatasetColumns} layout, read record by record
 * with parquet-hadoop's reader over the Hadoop file system API (no Spark): the reader holds one row
 * group's column chunks (the shards are written with small row groups) and the record being built.
 */
public final class ParquetShard implements StreamingSamples.Source {
    private final List<String> files;

    public ParquetShard(List<String> files) {
        this.files = List.copyOf(files);
    }

    public List<String> files() {
        return files;
    }

    @Override
    public StreamingSamples.RecordStream open() {
        Configuration conf = new Configuration();
        return new StreamingSamples.RecordStream() {
            private int fileIndex = -1;
            private ParquetReader<Group> reader;
            private Group next;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null) {
                        if (reader != null) next = reader.read();
                        if (next != null) break;
                        if (reader != null) reader.close();
                        reader = null;
                        if (++fileIndex >= files.size()) return false;
                        reader = ParquetReader.builder(new GroupReadSupport(), new Path(files.get(fileIndex))).withConf(conf).build();
                    }
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read shard file " + files.get(Math.min(fileIndex, files.size() - 1)) + ": " + e.getMessage(), e);
                }
            }

            @Override
            public ImageRecord next() {
                if (!hasNext()) throw new NoSuchElementException();
                Group g = next;
                next = null;
                return toRecord(g);
            }

            @Override
            public void close() {
                try {
                    if (reader != null) reader.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                reader = null;
                fileIndex = files.size();
            }
        };
    }

    /** A Spark-written row: the layout's columns by name; {@code boxes} in Parquet's three-level list (list / element). */
    static ImageRecord toRecord(Group g) {
        String source = g.getFieldRepetitionCount("source") > 0 ? g.getString("source", 0) : null;
        ObjectBoxes objects = null;
        if (g.getType().containsField("boxes") && g.getFieldRepetitionCount("boxes") > 0) {
            Group list = g.getGroup("boxes", 0);
            int n = list.getFieldRepetitionCount("list");
            float[] corners = new float[4 * n];
            int[] labels = new int[n];
            boolean[] ignore = new boolean[n];
            for (int i = 0; i < n; i++) {
                Group e = list.getGroup("list", i).getGroup("element", 0);
                corners[4 * i] = e.getFloat("x_min", 0);
                corners[4 * i + 1] = e.getFloat("y_min", 0);
                corners[4 * i + 2] = e.getFloat("x_max", 0);
                corners[4 * i + 3] = e.getFloat("y_max", 0);
                labels[i] = e.getInteger("label", 0);
                ignore[i] = e.getBoolean("ignore", 0);
            }
            objects = new ObjectBoxes(corners, labels, ignore);
        }
        return new ImageRecord(g.getLong("id", 0), g.getInteger("label", 0), g.getInteger("height", 0), g.getInteger("width", 0),
                g.getInteger("channels", 0), g.getBoolean("encoded", 0), g.getBinary("image", 0).getBytes(), source, objects);
    }
}
