package io.ringtrain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The driver JVM of a real {@code deploy/bin/ringtrain-local} run is killed (SIGKILL) mid-epoch and
 * the same command is run again: it resumes from the run folder's checkpoint and finishes, and its
 * metrics.jsonl keeps every line the killed driver had written, adds the rest under a later attempt
 * number, and holds no step twice within an attempt nor a step no attempt trained.
 */
class DriverKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TRAIN = 3000, BATCH = 16, REPLICAS = 2, EPOCHS = 2;
    private static final int STEPS_PER_EPOCH = (TRAIN + REPLICAS * BATCH - 1) / (REPLICAS * BATCH);
    private final Path root = ProjectFiles.root();

    private Process start(List<String> command, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("RINGTRAIN_NO_BUILD", "1");
        pb.environment().put("RINGTRAIN_JAVA_OPTS", ProjectFiles.launcherJavaOpts("1g"));
        return pb.start();
    }

    private static List<JsonNode> parsed(List<String> lines) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines) out.add(JSON.readTree(line));
        return out;
    }

    /** The complete lines of a metrics file (a line torn by the kill has no newline yet). */
    private static List<String> completeLines(Path metrics) throws Exception {
        if (!Files.exists(metrics)) return List.of();
        String text = Files.readString(metrics, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(text.lines().filter(l -> !l.isBlank()).toList());
        if (!text.isEmpty() && !text.endsWith("\n")) lines.remove(lines.size() - 1);
        return lines;
    }

    @Test
    void aRerunAfterTheDriverIsKilledMidEpochKeepsEveryMetricsLineAndFinishes(@TempDir Path tmp) throws Exception {
        Path data = LaunchersIT.fashionMnistPrefix(tmp.resolve("data"), TRAIN, 200);
        Path run = tmp.resolve("run");
        Path metrics = run.resolve("metrics.jsonl");
        List<String> command = List.of("deploy/bin/ringtrain-local", "train", "--master", "local[2]", "--replicas", Integer.toString(REPLICAS),
                "--model", "fmnist-cnn", "--data", data.toString(), "--epochs", Integer.toString(EPOCHS), "--batch-size", Integer.toString(BATCH),
                "--checkpoint-every", "5", "--run-dir", run.toString());

        Process first = start(command, tmp.resolve("first.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        int killedAfterStep = 0;
        while (killedAfterStep == 0) {
            if (!first.isAlive()) fail("the first run ended before it could be killed:\n" + Files.readString(tmp.resolve("first.log")));
            if (System.nanoTime() > deadline) {
                first.destroyForcibly();
                fail("no step past the first checkpoint within 240 s:\n" + Files.readString(tmp.resolve("first.log")));
            }
            for (JsonNode n : parsed(completeLines(metrics))) {
                int step = n.path("global_step").asInt();
                if (n.path("type").asText().equals("step") && step > 5 && step < STEPS_PER_EPOCH - 5) killedAfterStep = step;
            }
            Thread.sleep(50);
        }
        first.destroyForcibly(); // SIGKILL: ringtrain-local execs the driver JVM
        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the killed driver exits");
        List<String> before = completeLines(metrics);
        assertTrue(!Files.exists(run.resolve("summary.json")), "killed mid-epoch, before the end");

        Process second = start(command, tmp.resolve("second.log"));
        boolean done = second.waitFor(300, TimeUnit.SECONDS);
        String output = Files.readString(tmp.resolve("second.log"));
        if (!done) {
            second.destroyForcibly();
            fail("the rerun did not finish in 300 s:\n" + output);
        }
        assertEquals(0, second.exitValue(), output);
        assertTrue(output.contains("resuming " + run + " from its checkpoint at step"), output);

        List<String> after = completeLines(metrics);
        assertEquals(before, after.subList(0, before.size()), "the rerun keeps every line the killed driver wrote, in order");
        List<JsonNode> lines = parsed(after);
        int killedAttempt = 0;
        for (JsonNode n : parsed(before)) killedAttempt = Math.max(killedAttempt, n.path("attempt").asInt());
        assertTrue(killedAttempt >= 1, "the killed run's lines carry their attempt");
        TreeMap<Integer, List<Integer>> stepsByAttempt = new TreeMap<>();
        Set<Integer> trained = new HashSet<>();
        for (JsonNode n : lines) {
            assertTrue(n.has("attempt") && n.has("time"), "every line has its attempt and time: " + n);
            if (!n.path("type").asText().equals("step")) continue;
            stepsByAttempt.computeIfAbsent(n.path("attempt").asInt(), a -> new ArrayList<>()).add(n.path("global_step").asInt());
            trained.add(n.path("global_step").asInt());
        }
        for (JsonNode n : lines.subList(before.size(), lines.size())) {
            assertTrue(n.path("attempt").asInt() > killedAttempt, "the rerun's lines are a later attempt: " + n);
        }
        stepsByAttempt.forEach((attempt, steps) -> {
            for (int i = 1; i < steps.size(); i++) {
                assertEquals(steps.get(i - 1) + 1, steps.get(i), "attempt " + attempt + " logs each step once, in order: " + steps);
            }
        });
        int lastLogged = 0;
        for (JsonNode n : parsed(before)) if (n.path("type").asText().equals("step")) lastLogged = Math.max(lastLogged, n.path("global_step").asInt());
        List<Integer> resumed = stepsByAttempt.lastEntry().getValue();
        assertTrue(resumed.get(0) <= lastLogged + 1, "the rerun resumes at step " + resumed.get(0) + ", after the killed run's last logged step "
                + lastLogged + ": the steps between are lost from metrics.jsonl");
        assertEquals(EPOCHS * STEPS_PER_EPOCH, resumed.get(resumed.size() - 1));
        for (int step = 1; step <= EPOCHS * STEPS_PER_EPOCH; step++) assertTrue(trained.contains(step), "step " + step + " is logged");
        long epochLines = lines.stream().filter(n -> n.path("type").asText().equals("epoch")).map(n -> n.path("epoch").asInt()).distinct().count();
        assertEquals(EPOCHS, epochLines, "every epoch has its line");
        JsonNode summary = JSON.readTree(Files.readString(run.resolve("summary.json")));
        assertEquals(EPOCHS * STEPS_PER_EPOCH, summary.path("optimizer_steps").asInt(), summary.toString());
    }
}
