package io.ringtrain.jobs.train;

import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.collection.Iterator;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slot watch on a real SparkContext: a barrier job that asks for more slots than there are never
 * becomes an active job (Spark submits it again and again, here every second up to 60 times), as when
 * a retry is submitted just as a host's executor is lost. The watch's cancellation must still end it,
 * not leave it to Spark's last try: the job fails as cancelled, and the shortfall names the slots.
 */
class SlotWatchIT {
    private static SparkSession spark;
    private static SparkContext sc;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().appName("ringtrain-slot-watch-test").master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                .config("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "60")
                .getOrCreate();
        sc = spark.sparkContext();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) spark.stop();
    }

    @Test
    void aBarrierJobWaitingForSlotsThatAreGoneIsCancelledByTheWatch() {
        SlotWatch watch = SlotWatch.watch(sc, () -> 2, 3, 3, 1000);
        SparkException failed;
        try (watch) {
            failed = assertThrows(SparkException.class, () -> threeBarrierTasks().collect());
        }
        assertNotNull(watch.shortfall(), "the watch decided the slots were missing");
        assertTrue(failed.getMessage().contains("cancelled part of cancelled job group ringtrain-attempt-"),
                "ended by the watch's cancellation, not by Spark's last try of the slot check: " + failed.getMessage());
        assertNull(sc.getLocalProperty(SlotWatch.JOB_GROUP), "the attempt's job group is gone once the watch is closed");
    }

    @Test
    void aJobGroupTheCallerSetStaysTheirs() {
        sc.setLocalProperty(SlotWatch.JOB_GROUP, "the-users-group");
        try (SlotWatch watch = SlotWatch.watch(sc, () -> 2, 2, 2, 1000)) {
            assertEquals("the-users-group", sc.getLocalProperty(SlotWatch.JOB_GROUP));
            assertEquals(List.of(1, 2), new JavaSparkContext(sc).parallelize(List.of(1, 2), 2).collect());
            assertNull(watch.shortfall());
        } finally {
            assertEquals("the-users-group", sc.getLocalProperty(SlotWatch.JOB_GROUP), "the caller's job group is kept");
            sc.setLocalProperty(SlotWatch.JOB_GROUP, null);
        }
    }

    /** A barrier stage of three tasks: more than local[2] runs at once. */
    private static RDD<Integer> threeBarrierTasks() {
        RDD<Integer> numbers = new JavaSparkContext(sc).parallelize(List.of(1, 2, 3), 3).rdd();
        return numbers.barrier().mapPartitions(new Identity(), false, ClassTag$.MODULE$.apply(Integer.class));
    }

    private static final class Identity extends AbstractFunction1<Iterator<Integer>, Iterator<Integer>> implements Serializable {
        @Override
        public Iterator<Integer> apply(Iterator<Integer> records) {
            return records;
        }
    }
}
