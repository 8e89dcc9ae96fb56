package io.ringtrain.jobs.train;

import io.ringtrain.allreduce.CollectiveException;
import io.ringtrain.allreduce.CollectiveFailure;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The exceptions the replicas' tasks failed with, one per failed task. Spark aborts a barrier stage
 * with the first task failure it processes, which is often a peer that only saw the failing replica
 * hang up ("closed the connection"); the other replicas' failures reach the driver only as task-end
 * events, which this listener collects so that {@link RootCause} can choose among all of them.
 * It counts the result tasks of any job that ends while it listens: another job failing at the
 * same moment in the same SparkContext would add its failure as a candidate.
 *
 * <p>It also records where each replica runs (a barrier task's index is its rank), so that a
 * rank named by a {@link Culprit} or a straggler report can be given its executor and host, and
 * which ranks lost their executor.
 */
final class ReplicaFailures extends SparkListener implements AutoCloseable {
    /** How long a failed attempt waits for the other replicas' tasks to end (killed ones end too). */
    static final long WAIT_MILLIS = 5_000;

    private final SparkContext sc;
    private final List<Throwable> failures = new ArrayList<>();
    private final Map<Integer, Placement> placements = new HashMap<>();
    private final Map<Integer, String> lostExecutors = new TreeMap<>();
    private final Set<Integer> waitedOnAnother = new TreeSet<>();
    private int ended;

    /** Where rank {@code rank}'s task ran. */
    record Placement(int rank, String executorId, String host) {}

    ReplicaFailures(SparkContext sc) {
        this.sc = sc;
    }

    static ReplicaFailures listen(SparkContext sc) {
        ReplicaFailures listener = new ReplicaFailures(sc);
        sc.addSparkListener(listener);
        return listener;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (!"ResultTask".equals(end.taskType())) return;
        ended++;
        record(end.taskInfo());
        if (end.reason() instanceof ExceptionFailure f) {
            Throwable failure = f.exception().isDefined() ? f.exception().get() : new RuntimeException(f.className() + ": " + f.description());
            failures.add(failure);
            if (end.taskInfo() != null && timedOutOnAnother(failure, end.taskInfo().index())) waitedOnAnother.add(end.taskInfo().index());
        } else if (end.reason() instanceof ExecutorLostFailure lost && end.taskInfo() != null) {
            lostExecutors.put(end.taskInfo().index(), lost.execId());
        }
        notifyAll();
    }

    private void record(TaskInfo task) {
        if (task != null) placements.put(task.index(), new Placement(task.index(), task.executorId(), task.host()));
    }

    /** Where rank {@code rank} ran in this attempt, once its task has ended. */
    synchronized Optional<Placement> placement(int rank) {
        return Optional.ofNullable(placements.get(rank));
    }

    /** The ranks whose executor was lost in this attempt, with the executor's id. */
    synchronized Map<Integer, String> lostExecutors() {
        return Map.copyOf(lostExecutors);
    }

    /**
     * The ranks that failed because they waited past the timeout on another rank. Such a rank was
     * alive and waiting, so when a neighbour that waited on it blames it too (a stalled rank makes
     * the two ranks after it time out at about the same moment), the blame passes on along the chain.
     */
    synchronized Set<Integer> waitedOnAnother() {
        return Set.copyOf(waitedOnAnother);
    }

    private static boolean timedOutOnAnother(Throwable failure, int rank) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof CollectiveException collective && collective.failure() != null) {
                CollectiveFailure f = collective.failure();
                return f.reason() == CollectiveFailure.Reason.TIMEOUT && f.culprit() >= 0 && f.culprit() != rank;
            }
        }
        return false;
    }

    /** Starts counting for a new attempt of the barrier stage. */
    synchronized void reset() {
        ended = 0;
        failures.clear();
        placements.clear();
        lostExecutors.clear();
        waitedOnAnother.clear();
    }

    /** The failures so far, after waiting (at most {@link #WAIT_MILLIS}) until {@code tasks} result tasks have ended. */
    synchronized List<Throwable> await(int tasks) {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        try {
            for (long left = WAIT_MILLIS; ended < tasks && left > 0; left = deadline - System.currentTimeMillis()) wait(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        sc.removeSparkListener(this);
    }
}
