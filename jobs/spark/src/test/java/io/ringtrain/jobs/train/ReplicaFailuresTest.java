package io.ringtrain.jobs.train;

import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The failures of every replica reach the driver's error line, not only the one Spark reported. */
class ReplicaFailuresTest {
    private static SparkListenerTaskEnd failed(String taskType, Throwable e) {
        ExceptionFailure reason = new ExceptionFailure(e, CollectionConverters.asScala(new ArrayList<AccumulableInfo>()).toList());
        return new SparkListenerTaskEnd(3, 0, taskType, reason, null, null, null);
    }

    @Test
    void everyReplicasFailureIsCollectedButNotThoseOfEarlierStages() {
        ReplicaFailures failures = new ReplicaFailures(null);
        failures.onTaskEnd(failed("ShuffleMapTask", new IOException("shuffle fetch failed")));
        failures.onTaskEnd(failed("ResultTask", new IllegalStateException("replica 0: replica 1 closed the connection")));
        failures.onTaskEnd(failed("ResultTask", new IOException("No space left on device")));

        List<String> messages = failures.await(2).stream().map(Throwable::getMessage).toList();

        assertEquals(List.of("replica 0: replica 1 closed the connection", "No space left on device"), messages);
    }

    @Test
    void eachAttemptStartsAfresh() {
        ReplicaFailures failures = new ReplicaFailures(null);
        failures.onTaskEnd(failed("ResultTask", new IOException("No space left on device")));
        failures.reset();
        failures.onTaskEnd(failed("ResultTask", new IllegalStateException("attempt 2 failed")));
        failures.onTaskEnd(failed("ResultTask", new IllegalStateException("attempt 2 failed too")));

        assertEquals(2, failures.await(2).size());
        assertEquals("attempt 2 failed", failures.await(2).get(0).getMessage());
    }
}
