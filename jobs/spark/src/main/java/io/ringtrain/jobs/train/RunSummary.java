package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.data.BadRecords;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's {@code summary.json}, written and read as this one record: rank 0's figures (null when
 * the job failed before any stage finished), the records skipped in skip mode, the attempts and the
 * culprit of each failed one, the replica changes of an elastic run, and for seq2seq runs the greedy
 * decoding's result. Absent parts are left out of the file, except the test figures of a finished
 * run, which are null without test data. A field this version does not know (a summary written by a
 * newer one) is skipped on reading, so such a run still reads as finished.
 *
 * @param status "failed" for a job that failed for good (with {@code error} and the last {@code culprit}), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"optimizer_steps", "seconds", "test_accuracy", "test_loss", "hidden_comm_share", "replicas", "skipped_records",
        "attempts", "failures", "status", "error", "culprit", "target_replicas", "replica_changes", "greedy_exact_match",
        "greedy_decoded_pairs", "sample_file"})
public record RunSummary(@JsonProperty("optimizer_steps") Long optimizerSteps, @JsonProperty("seconds") Double seconds,
                         @JsonProperty("test_accuracy") @JsonInclude(JsonInclude.Include.ALWAYS) Double testAccuracy,
                         @JsonProperty("test_loss") @JsonInclude(JsonInclude.Include.ALWAYS) Double testLoss,
                         @JsonProperty("hidden_comm_share") Double hiddenCommShare, @JsonProperty("replicas") Integer replicas,
                         @JsonProperty("skipped_records") Map<String, SkippedRecords> skippedRecords,
                         @JsonProperty("attempts") Integer attempts, @JsonProperty("failures") List<Culprit> failures,
                         @JsonProperty("status") String status, @JsonProperty("error") String error, @JsonProperty("culprit") Culprit culprit,
                         @JsonProperty("target_replicas") Integer targetReplicas,
                         @JsonProperty("replica_changes") List<ElasticReplicas.Change> replicaChanges,
                         @JsonProperty("greedy_exact_match") Double greedyExactMatch, @JsonProperty("greedy_decoded_pairs") Integer greedyDecodedPairs,
                         @JsonProperty("sample_file") String sampleFile) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FAILED = "failed";

    /** What one split lost in skip mode: {@code total} records read, the count per bad-record kind, a few examples per kind. */
    @JsonPropertyOrder({"total", "examples"})
    public record SkippedRecords(@JsonProperty("total") long total, @JsonAnySetter @JsonIgnore Map<String, Long> counts,
                                 @JsonProperty("examples") Map<String, List<String>> examples) {
        public SkippedRecords {
            counts = counts == null ? new LinkedHashMap<>() : counts;
        }

        @JsonAnyGetter
        Map<String, Long> countsByKind() {
            return counts;
        }
    }

    /** A finished stage's summary: rank 0's figures and nothing else yet. */
    static RunSummary of(ReplicaSummary replica) {
        return new RunSummary(replica.optimizerSteps(), replica.seconds(), replica.testAccuracy(), replica.testLoss(), replica.hiddenCommShare(),
                replica.replicas(), null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The summary of a job that failed for good before any stage finished: no figures, {@code status} failed and the {@code error}. */
    static RunSummary failed(String error) {
        return new RunSummary(null, null, null, null, null, null, null, null, null, FAILED, error, null, null, null, null, null, null);
    }

    /** With the records skipped in skip mode, by split; unchanged when nothing was checked. */
    RunSummary withSkipped(List<BadRecords.Skipped> skipped) {
        if (skipped.isEmpty()) return this;
        Map<String, SkippedRecords> bySplit = new LinkedHashMap<>();
        for (BadRecords.Skipped s : skipped) bySplit.put(s.split(), new SkippedRecords(s.total(), new LinkedHashMap<>(s.counts()), s.examples()));
        return new RunSummary(optimizerSteps, seconds, testAccuracy, testLoss, hiddenCommShare, replicas, bySplit, attempts, failures, status, error,
                culprit, targetReplicas, replicaChanges, greedyExactMatch, greedyDecodedPairs, sampleFile);
    }

    /** With the number of attempts and the culprit of every failed one (the last one also as {@code culprit} when the job failed). */
    RunSummary withAttempts(int attempts, List<Culprit> culprits) {
        Culprit last = FAILED.equals(status) && !culprits.isEmpty() ? culprits.get(culprits.size() - 1) : null;
        return new RunSummary(optimizerSteps, seconds, testAccuracy, testLoss, hiddenCommShare, replicas, skippedRecords, attempts, List.copyOf(culprits),
                status, error, last, targetReplicas, replicaChanges, greedyExactMatch, greedyDecodedPairs, sampleFile);
    }

    /** With the changes of the replica count of an elastic run; unchanged when there were none. */
    RunSummary withReplicaChanges(int target, List<ElasticReplicas.Change> changes) {
        if (changes.isEmpty()) return this;
        return new RunSummary(optimizerSteps, seconds, testAccuracy, testLoss, hiddenCommShare, replicas, skippedRecords, attempts, failures, status,
                error, culprit, target, List.copyOf(changes), greedyExactMatch, greedyDecodedPairs, sampleFile);
    }

    /** With the exact-match rate of a seq2seq run's greedy decoding of {@code pairs} validation pairs. */
    RunSummary withDecoding(double exactMatch, int pairs) {
        return new RunSummary(optimizerSteps, seconds, testAccuracy, testLoss, hiddenCommShare, replicas, skippedRecords, attempts, failures, status,
                error, culprit, targetReplicas, replicaChanges, exactMatch, pairs, sampleFile);
    }

    /** With the file holding a text run's sample (generated text, or the decoded pairs). */
    RunSummary withSampleFile(String file) {
        return new RunSummary(optimizerSteps, seconds, testAccuracy, testLoss, hiddenCommShare, replicas, skippedRecords, attempts, failures, status,
                error, culprit, targetReplicas, replicaChanges, greedyExactMatch, greedyDecodedPairs, file);
    }

    /** Whether this is the summary of a job that failed for good, not a finished run's. */
    @JsonIgnore
    public boolean isFailed() {
        return FAILED.equals(status);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the run summary " + this, e);
        }
    }

    /** A summary.json's text, as written by {@link #toJson}; {@code source} names it in the error. */
    public static RunSummary fromJson(String json, String source) {
        try {
            return JSON.readValue(json, RunSummary.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + " is not a run summary (" + e.getOriginalMessage() + "); it is rewritten when the run is trained again", e);
        }
    }
}
