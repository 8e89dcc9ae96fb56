package io.ringtrain.jobs.train;

import org.apache.spark.ExceptionFailure;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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
            failures.add(f.exception().isDefined() ? f.exception().get() : new RuntimeException(f.className() + ": " + f.description()));
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

    /** Starts counting for a new attempt of the barrier stage. */
    synchronized void reset() {
        ended = 0;
        failures.clear();
        placements.clear();
        lostExecutors.clear();
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
