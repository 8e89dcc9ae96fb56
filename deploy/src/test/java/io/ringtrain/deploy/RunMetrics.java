package io.ringtrain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads a run's metrics.jsonl: the lines of one type (steps, resumes, checkpoints), of one attempt or of all. */
public final class RunMetrics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunMetrics() {}

    /** The step lines of {@code attempt}, in file order (empty while the file is missing). */
    public static List<JsonNode> steps(Path metrics, int attempt) {
        return lines(metrics, "step", attempt);
    }

    /** The lines of {@code "type":type} and {@code attempt} (0: every attempt), in file order (empty while the file is missing). */
    public static List<JsonNode> lines(Path metrics, String type, int attempt) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(metrics)) return out;
        try {
            for (String line : Files.readAllLines(metrics)) {
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException torn) { // the driver may be appending this very line
                    continue;
                }
                if (node.path("type").asText().equals(type) && (attempt == 0 || node.path("attempt").asInt() == attempt)) out.add(node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The highest global step {@code attempt} reported; -1 when none. */
    public static long lastStep(Path metrics, int attempt) {
        return steps(metrics, attempt).stream().mapToLong(n -> n.path("global_step").asLong()).max().orElse(-1);
    }

    /** The global step of the first step line of {@code attempt}. */
    public static long firstStep(Path metrics, int attempt) {
        return first(metrics, attempt).path("global_step").asLong();
    }

    /** When the driver received the first step line of {@code attempt} (epoch millis). */
    public static long firstStepMillis(Path metrics, int attempt) {
        return Instant.parse(first(metrics, attempt).path("time").asText()).toEpochMilli();
    }

    private static JsonNode first(Path metrics, int attempt) {
        List<JsonNode> steps = steps(metrics, attempt);
        if (steps.isEmpty()) throw new AssertionError("no step line of attempt " + attempt + " in " + metrics);
        return steps.get(0);
    }
}
