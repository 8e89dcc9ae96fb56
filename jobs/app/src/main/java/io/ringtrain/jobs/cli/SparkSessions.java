package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.train.RingtrainKryoRegistrator;
import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession a command runs in. Under spark-submit the master comes from there; otherwise
 * (ringtrain-local, tests) {@code --master} or {@code local[N]}. Sets Kryo with our registrator and
 * a barrier-sync timeout long enough for the first ring set-up on a busy cluster.
 */
final class SparkSessions {
    private SparkSessions() {}

    static SparkSession getOrCreate(String appName, String master, int defaultLocalCores) {
        SparkSession.Builder b = SparkSession.builder().appName(appName)
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrator", RingtrainKryoRegistrator.class.getName())
                .config("spark.barrier.sync.timeout", "600")
                .config("spark.ui.showConsoleProgress", "false");
        if (master != null) b.master(master);
        else if (!masterGivenElsewhere()) b.master("local[" + defaultLocalCores + "]");
        SparkSession spark = b.getOrCreate();
        ClassDataArchive.sparkSessionStarted();
        return spark;
    }

    /**
     * Refuses, before Spark starts, to pick {@code local[replicas]} on its own when this machine has
     * fewer cores than replicas: the replicas would share cores and crawl. A master the user named
     * (--master, spark-submit, an active session) is theirs to choose.
     */
    static void requireLocalCores(String master, int replicas, int cores) {
        if (master != null || masterGivenElsewhere() || replicas <= cores) return;
        throw new IllegalArgumentException("--replicas " + replicas + " needs " + replicas + " task slots but this machine has " + cores
                + " cores; pass --master (a cluster, or local[" + replicas + "] to share the cores) or lower --replicas to " + cores + " or fewer");
    }

    private static boolean masterGivenElsewhere() {
        return System.getProperty("spark.master") != null || SparkSession.getActiveSession().isDefined();
    }
}
