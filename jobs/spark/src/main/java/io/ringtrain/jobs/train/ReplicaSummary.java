package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What rank 0 reports when training ends: the fields summary.json starts with (the driver adds
 * attempts, failures and skipped records). Seconds are rounded to 0.01 and the hidden share of
 * communication to 0.001, as the run summary has always shown them; the test figures are null
 * when there was no test data.
 */
@JsonPropertyOrder({"optimizer_steps", "seconds", "test_accuracy", "test_loss", "hidden_comm_share", "replicas"})
record ReplicaSummary(@JsonProperty("optimizer_steps") long optimizerSteps, @JsonProperty("seconds") double seconds,
                      @JsonProperty("test_accuracy") Double testAccuracy, @JsonProperty("test_loss") Double testLoss,
                      @JsonProperty("hidden_comm_share") double hiddenCommShare, @JsonProperty("replicas") int replicas) {
    private static final ObjectMapper JSON = new ObjectMapper();

    ReplicaSummary {
        seconds = Math.round(seconds * 100) / 100.0;
        hiddenCommShare = Math.round(hiddenCommShare * 1000) / 1000.0;
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the run summary of " + this, e);
        }
    }
}
