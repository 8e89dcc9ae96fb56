package io.ringtrain.jobs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtrain.allreduce.CollectiveException;
import io.ringtrain.allreduce.CollectiveFailure;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replica a failed attempt is blamed on, and where it ran: its rank, executor id and host, and
 * the collective (operation and sequence number) in which the failure showed.
 *
 * <p>Evidence, strongest first: a rank whose executor Spark lost (its task ended with {@code
 * ExecutorLostFailure}); then the rank that the replicas' {@link CollectiveFailure}s blame most
 * often (each replica blames the peer it saw close, stall or misbehave, or the rank an abort
 * named). The collective is the one a replica's failure names for that rank. Without either, no
 * culprit is named: a failure outside the collectives (bad data, a full disk) names itself.
 *
 * @param executorId null when the rank's task never reported where it ran
 * @param operation null when no replica's collective failed (an executor lost between collectives)
 */
record Culprit(int rank, String executorId, String host, String operation, long sequence, String reason) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whom {@code failure} (with the replicas' failures attached as suppressed exceptions) blames, if anyone. */
    static Optional<Culprit> of(Throwable failure, ReplicaFailures replicas) {
        List<CollectiveFailure> blamed = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        collect(failure, blamed, seen);
        Map<Integer, String> lost = replicas.lostExecutors();
        int rank;
        String reason;
        if (!lost.isEmpty()) {
            rank = lost.keySet().iterator().next();
            reason = "its executor was lost";
        } else if (!blamed.isEmpty()) {
            rank = mostBlamed(blamed);
            reason = null;
        } else {
            return Optional.empty();
        }
        CollectiveFailure collective = blamed.stream().filter(f -> f.culprit() == rank).findFirst().orElse(null);
        if (reason == null) reason = collective.reason().words();
        Optional<ReplicaFailures.Placement> placement = replicas.placement(rank);
        String executorId = lost.containsKey(rank) ? lost.get(rank) : placement.map(ReplicaFailures.Placement::executorId).orElse(null);
        return Optional.of(new Culprit(rank, executorId, placement.map(ReplicaFailures.Placement::host).orElse(null),
                collective == null ? null : collective.operation(), collective == null ? -1 : collective.sequence(), reason));
    }

    private static void collect(Throwable t, List<CollectiveFailure> blamed, Map<Throwable, Boolean> seen) {
        for (; t != null && seen.put(t, true) == null; t = t.getCause()) {
            if (t instanceof CollectiveException collective && collective.failure() != null && collective.failure().culprit() >= 0) {
                blamed.add(collective.failure());
            }
            for (Throwable suppressed : t.getSuppressed()) collect(suppressed, blamed, seen);
        }
    }

    /** The rank blamed most often; on a tie, the one blamed first. */
    private static int mostBlamed(List<CollectiveFailure> blamed) {
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (CollectiveFailure f : blamed) counts.merge(f.culprit(), 1, Integer::sum);
        int best = -1, bestCount = 0;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    /** For the driver's error and the Spark UI: {@code rank 1 (executor 2 on 10.0.0.3) in allReduce #1234: timed out}. */
    String describe() {
        String where = executorId == null && host == null ? "" : " (executor " + (executorId == null ? "?" : executorId) + " on " + (host == null ? "?" : host) + ")";
        String in = operation == null ? "" : " in " + operation + (sequence >= 0 ? " #" + sequence : "");
        return "rank " + rank + where + in + ": " + reason;
    }

    /** For summary.json and metrics.jsonl. */
    ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode().put("rank", rank).put("executor_id", executorId).put("host", host)
                .put("operation", operation);
        if (sequence >= 0) node.put("sequence", sequence);
        else node.putNull("sequence");
        return node.put("reason", reason);
    }

    /** The metrics.jsonl line of a failed attempt: {@code {"type":"failure","culprit":{...}}} (MetricsLog adds attempt and time). */
    String metricsLine() {
        ObjectNode line = JSON.createObjectNode().put("type", "failure");
        line.set("culprit", toJson());
        return line.toString();
    }

    /**
     * {@code summary} (rank 0's, or {@code "{}"} when the job failed) with {@code "attempts"}, the
     * culprit of every failed attempt ({@code "failures"}), and for a job that failed for good
     * {@code "status":"failed"}, its {@code "error"} and the last attempt's {@code "culprit"}.
     */
    static String summaryWith(String summary, List<Culprit> culprits, String error, int attempts) throws java.io.IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(summary);
        node.put("attempts", attempts);
        var failures = node.putArray("failures");
        for (Culprit c : culprits) failures.add(c.toJson());
        if (error != null) {
            node.put("status", "failed");
            node.put("error", error);
            if (!culprits.isEmpty()) node.set("culprit", culprits.get(culprits.size() - 1).toJson());
        }
        return JSON.writeValueAsString(node);
    }

    /** Whether a summary.json is that of a job that failed (see {@link #summaryWith}), not a finished run's. */
    static boolean isFailedSummary(String summary) {
        try {
            return JSON.readTree(summary).path("status").asText().equals("failed");
        } catch (java.io.IOException e) {
            return true; // unreadable: not a finished run's
        }
    }
}
