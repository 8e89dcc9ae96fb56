package io.ringtrain.jobs.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Fails fast, before Spark starts, on a path that does not exist (local or any Hadoop file system). */
final class DataPaths {
    private DataPaths() {}

    /**
     * The Hadoop configuration Spark will use, before Spark starts: the site files on the classpath
     * plus the {@code spark.hadoop.*} settings spark-submit passes as system properties (credentials
     * of an object store, for example).
     */
    static Configuration beforeSpark() {
        Configuration conf = new Configuration();
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith(SPARK_HADOOP)) conf.set(key.substring(SPARK_HADOOP.length()), System.getProperty(key));
        }
        return conf;
    }

    private static final String SPARK_HADOOP = "spark.hadoop.";

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
