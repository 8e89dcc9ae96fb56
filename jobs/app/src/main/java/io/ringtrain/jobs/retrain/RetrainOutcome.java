package io.ringtrain.jobs.retrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * What a retraining run decided, as schedulers read it: one JSON object on stdout and an exit code.
 * <pre>
 * status    exit  meaning
 * promoted   0    the candidate beat the champion by the margin (or there was none) and now serves
 * noop       0    nothing to do: no new partitions, or these partitions were already processed
 * rejected  10    the candidate was not better by the margin; the champion still serves
 * failed     1    the run failed (training, I/O); the champion still serves; rerun to resume
 * failed     2    bad input or settings (reason says which); fix them and rerun
 * </pre>
 * {@code metric} and {@code champion_metric} are holdout accuracies (null when not measured).
 */
public record RetrainOutcome(String status, String reason, String version, Double metric, Double championMetric,
                             String champion, List<String> partitions, int exitCode) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static RetrainOutcome noop(String reason, String champion, List<String> partitions) {
        return new RetrainOutcome("noop", reason, null, null, null, champion, partitions, 0);
    }

    public static RetrainOutcome failed(String reason, boolean badInput) {
        return new RetrainOutcome("failed", reason, null, null, null, null, List.of(), badInput ? 2 : 1);
    }

    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", status);
        n.put("reason", reason);
        n.put("version", version);
        n.put("metric", metric);
        n.put("champion_metric", championMetric);
        n.put("champion", champion);
        n.set("partitions", JSON.valueToTree(partitions));
        n.put("exit_code", exitCode);
        return n.toString();
    }
}
