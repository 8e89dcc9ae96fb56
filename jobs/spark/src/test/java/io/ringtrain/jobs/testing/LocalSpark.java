package io.ringtrain.jobs.testing;

import io.ringtrain.jobs.train.RingtrainKryoRegistrator;
import org.apache.spark.sql.SparkSession;

/** A real local-mode SparkSession configured as the command line configures it. */
public final class LocalSpark {
    private LocalSpark() {}

    public static SparkSession start(int cores) {
        return SparkSession.builder().appName("ringtrain-test").master("local[" + cores + "]")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrator", RingtrainKryoRegistrator.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }
}
