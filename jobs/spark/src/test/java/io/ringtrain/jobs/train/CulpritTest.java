package io.ringtrain.jobs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.allreduce.CollectiveException;
import io.ringtrain.allreduce.CollectiveFailure;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.TaskEndReason;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.scheduler.TaskLocality;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whom a failed attempt is blamed on, from what the replicas' tasks ended with. */
class CulpritTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SparkListenerTaskEnd ended(int rank, String executorId, String host, TaskEndReason reason) {
        TaskInfo info = new TaskInfo(100 + rank, rank, 0, rank, 0L, executorId, host, TaskLocality.PROCESS_LOCAL(), false);
        return new SparkListenerTaskEnd(3, 0, "ResultTask", reason, info, null, null);
    }

    private static ExceptionFailure threw(Throwable e) {
        return new ExceptionFailure(e, CollectionConverters.asScala(new ArrayList<AccumulableInfo>()).toList());
    }

    private static CollectiveException blaming(int culprit, long sequence, CollectiveFailure.Reason reason) {
        return new CollectiveException("allReduce #" + sequence + " failed", new CollectiveFailure(culprit, "allReduce", sequence, reason));
    }

    private static Optional<Culprit> culpritOf(ReplicaFailures replicas) {
        RuntimeException driverSide = new RuntimeException("Job aborted due to stage failure");
        for (Throwable replica : replicas.await(0)) driverSide.addSuppressed(replica);
        return Culprit.of(driverSide, replicas);
    }

    @Test
    void theRankTheReplicasBlameIsNamedWithItsExecutorHostOperationAndSequence() throws Exception {
        ReplicaFailures replicas = new ReplicaFailures(null);
        replicas.onTaskEnd(ended(0, "4", "10.0.0.1", threw(blaming(2, 812, CollectiveFailure.Reason.TIMEOUT))));
        replicas.onTaskEnd(ended(1, "5", "10.0.0.2", threw(blaming(2, 812, CollectiveFailure.Reason.TIMEOUT))));
        replicas.onTaskEnd(ended(2, "6", "10.0.0.3", org.apache.spark.UnknownReason$.MODULE$)); // killed with the stage

        Culprit culprit = culpritOf(replicas).orElseThrow();

        assertEquals(new Culprit(2, "6", "10.0.0.3", "allReduce", 812L, "timed out"), culprit);
        assertEquals("rank 2 (executor 6 on 10.0.0.3) in allReduce #812: timed out", culprit.describe());
        RunSummary finished = RunSummary.of(new ReplicaSummary(10, 1, 0.8, 0.5, 0, 3)).withAttempts(2, List.of(culprit));
        var json = JSON.readTree(finished.toJson());
        assertEquals(0.8, json.path("test_accuracy").asDouble());
        assertEquals(2, json.path("failures").get(0).path("rank").asInt());
        assertEquals("10.0.0.3", json.path("failures").get(0).path("host").asText());
        assertEquals(812, json.path("failures").get(0).path("sequence").asLong());
        assertTrue(json.path("culprit").isMissingNode(), "a finished run names no final culprit: " + json);
        assertFalse(RunSummary.fromJson(finished.toJson(), "summary.json").isFailed());
    }

    @Test
    void aStalledRankIsNamedWhenTheRankAfterItsNeighbourTimesOutOnTheNeighbourToo() {
        // Rank 2 froze: rank 0 waited on it, and rank 1, waiting on rank 0's forward of rank 2's data,
        // timed out at about the same moment, blaming rank 0. Rank 0 was alive: the blame passes on.
        ReplicaFailures replicas = new ReplicaFailures(null);
        replicas.onTaskEnd(ended(1, "0", "10.0.0.1", threw(blaming(0, 65, CollectiveFailure.Reason.TIMEOUT))));
        replicas.onTaskEnd(ended(0, "2", "10.0.0.3", threw(blaming(2, 65, CollectiveFailure.Reason.TIMEOUT))));
        replicas.onTaskEnd(ended(2, "1", "10.0.0.2", org.apache.spark.UnknownReason$.MODULE$)); // killed with the stage

        Culprit culprit = culpritOf(replicas).orElseThrow();

        assertEquals(new Culprit(2, "1", "10.0.0.2", "allReduce", 65L, "timed out"), culprit);
    }

    @Test
    void twoRanksThatTimedOutOnEachOtherKeepTheFirstBlamed() {
        ReplicaFailures replicas = new ReplicaFailures(null);
        replicas.onTaskEnd(ended(0, "1", "10.0.0.1", threw(blaming(1, 9, CollectiveFailure.Reason.TIMEOUT))));
        replicas.onTaskEnd(ended(1, "2", "10.0.0.2", threw(blaming(0, 9, CollectiveFailure.Reason.TIMEOUT))));

        assertEquals(1, culpritOf(replicas).orElseThrow().rank(), "with every blamed rank alive, the rank blamed first");
    }

    @Test
    void aRankWhoseExecutorWasLostIsTheCulpritEvenWhenAnAbortBlamedAnother() {
        ReplicaFailures replicas = new ReplicaFailures(null);
        replicas.onTaskEnd(ended(0, "1", "10.0.0.1", threw(blaming(1, 40, CollectiveFailure.Reason.CONNECTION_CLOSED))));
        replicas.onTaskEnd(ended(2, "3", "10.0.0.3", threw(blaming(0, 40, CollectiveFailure.Reason.LOCAL_ERROR))));
        replicas.onTaskEnd(ended(2, "3", "10.0.0.3", threw(blaming(0, 40, CollectiveFailure.Reason.LOCAL_ERROR))));
        replicas.onTaskEnd(ended(1, "2", "10.0.0.2", new ExecutorLostFailure("2", true, scala.Option.apply("Command exited with code 137"))));

        Culprit culprit = culpritOf(replicas).orElseThrow();

        assertEquals(new Culprit(1, "2", "10.0.0.2", "allReduce", 40L, "its executor was lost"), culprit);
    }

    @Test
    void aFailureOutsideTheCollectivesNamesNoCulprit() throws Exception {
        ReplicaFailures replicas = new ReplicaFailures(null);
        replicas.onTaskEnd(ended(0, "1", "10.0.0.1", threw(new java.io.IOException("No space left on device"))));

        assertTrue(culpritOf(replicas).isEmpty());
        String failed = RunSummary.failed("training failed after 1 attempt(s): No space left on device").withAttempts(1, List.of()).toJson();
        assertTrue(RunSummary.fromJson(failed, "summary.json").isFailed(), failed);
    }
}
