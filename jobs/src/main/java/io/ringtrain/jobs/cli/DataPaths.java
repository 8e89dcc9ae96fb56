package io.ringtrain.jobs.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Fails fast, before Spark starts, on a path that does not exist (local or any Hadoop file system). */
final class DataPaths {
    private DataPaths() {}

    static void requireExists(String location, String option, Configuration conf) {
        if (!exists(location, conf)) {
            throw new IllegalArgumentException(option + " " + location + " does not exist; check the path (local path or Hadoop URI such as hdfs://...)");
        }
    }

    static boolean exists(String location, Configuration conf) {
        Path p = new Path(location);
        try {
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + location + ": " + e.getMessage(), e);
        }
    }
}
