package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
import java.util.Set;

/**
 * The replica a failed attempt is blamed on, and where it ran: its rank, executor id and host, and
 * the collective (operation and sequence number) in which the failure showed.
 *
 * <p>Evidence, strongest first: a rank whose executor Spark lost (its task ended with {@code
 * ExecutorLostFailure}); then the rank that the replicas' {@link CollectiveFailure}s blame most
 * often (each replica blames the peer it saw close, stall or misbehave, or the rank an abort
 * named), leaving out a rank that itself timed out waiting on another (it was alive; see {@link
 * ReplicaFailures#waitedOnAnother}) unless every blamed rank did. The collective is the one a
 * replica's failure names for that rank. Without either, no
 * culprit is named: a failure outside the collectives (bad data, a full disk) names itself.
 *
 * @param executorId null when the rank's task never reported where it ran
 * @param operation null when no replica's collective failed (an executor lost between collectives)
 * @param sequence the collective's sequence number; null with {@code operation}
 */
@JsonPropertyOrder({"rank", "executor_id", "host", "operation", "sequence", "reason"})
record Culprit(@JsonProperty("rank") int rank, @JsonProperty("executor_id") String executorId, @JsonProperty("host") String host,
               @JsonProperty("operation") String operation, @JsonProperty("sequence") Long sequence, @JsonProperty("reason") String reason) {
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
            Set<Integer> waited = replicas.waitedOnAnother();
            List<CollectiveFailure> notWaiting = blamed.stream().filter(f -> !waited.contains(f.culprit())).toList();
            rank = mostBlamed(notWaiting.isEmpty() ? blamed : notWaiting);
            reason = null;
        } else {
            return Optional.empty();
        }
        CollectiveFailure collective = blamed.stream().filter(f -> f.culprit() == rank).findFirst().orElse(null);
        if (reason == null) reason = collective.reason().words();
        Optional<ReplicaFailures.Placement> placement = replicas.placement(rank);
        String executorId = lost.containsKey(rank) ? lost.get(rank) : placement.map(ReplicaFailures.Placement::executorId).orElse(null);
        return Optional.of(new Culprit(rank, executorId, placement.map(ReplicaFailures.Placement::host).orElse(null),
                collective == null ? null : collective.operation(), collective == null || collective.sequence() < 0 ? null : Long.valueOf(collective.sequence()), reason));
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
        String in = operation == null ? "" : " in " + operation + (sequence != null && sequence >= 0 ? " #" + sequence : "");
        return "rank " + rank + where + in + ": " + reason;
    }

    /** The metrics.jsonl line of a failed attempt: {@code {"type":"failure","culprit":{...}}} (MetricsLog adds attempt and time). */
    String metricsLine() {
        ObjectNode line = JSON.createObjectNode().put("type", "failure");
        line.set("culprit", JSON.valueToTree(this));
        return line.toString();
    }
}
