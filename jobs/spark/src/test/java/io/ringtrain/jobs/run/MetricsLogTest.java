package io.ringtrain.jobs.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLaterRunKeepsTheEarlierLinesAndNumbersItsAttemptsOnFromThem(@TempDir Path dir) throws Exception {
        Configuration conf = new Configuration();
        RunFolder run = new RunFolder(dir.toString());
        MetricsLog first = MetricsLog.open(run, conf);
        first.add("{\"type\":\"step\",\"global_step\":1}");
        first.attempt(2); // an executor was lost: the stage's second attempt repeats step 1
        first.add("{\"type\":\"step\",\"global_step\":1}");
        first.flush();
        String written = Files.readString(dir.resolve(MetricsLog.FILE));

        MetricsLog resumed = MetricsLog.open(run, conf);
        resumed.add("{\"type\":\"epoch\",\"epoch\":1}");
        String after = Files.readString(dir.resolve(MetricsLog.FILE));

        assertTrue(after.startsWith(written), after);
        List<String> lines = after.lines().toList();
        assertEquals(3, lines.size(), after);
        assertEquals(List.of(1, 2, 3), lines.stream().map(l -> attempt(l)).toList());
        assertTrue(lines.stream().allMatch(l -> l.contains("\"time\":\"")), after);
    }

    /** A rerun resumes after the newest checkpoint: the step lines before it must be in the file by then, not a second later. */
    @Test
    void aCheckpointLineWritesTheFileAtOnceWithTheStepsBeforeIt(@TempDir Path dir) throws Exception {
        MetricsLog log = MetricsLog.open(new RunFolder(dir.toString()), new Configuration());
        for (int step = 1; step <= 5; step++) log.add("{\"type\":\"step\",\"global_step\":" + step + "}");
        log.add("{\"type\":\"checkpoint\",\"global_step\":5}");

        List<String> lines = Files.readString(dir.resolve(MetricsLog.FILE)).lines().toList();
        assertEquals(6, lines.size(), lines.toString());
        assertEquals(5, JSON.readTree(lines.get(4)).path("global_step").asInt());
    }

    @Test
    void newLinesAreAppendedWithoutRewritingALargeHistory(@TempDir Path dir) throws Exception {
        Configuration conf = new Configuration();
        Path file = dir.resolve(MetricsLog.FILE);
        StringBuilder history = new StringBuilder();
        for (int step = 1; step <= 20_000; step++) {
            history.append("{\"type\":\"step\",\"global_step\":").append(step).append(",\"attempt\":1}\n");
        }
        Files.writeString(file, history);
        Object inodeBefore = Files.getAttribute(file, "unix:ino");

        MetricsLog resumed = MetricsLog.open(new RunFolder(dir.toString()), conf);
        resumed.add("{\"type\":\"step\",\"global_step\":20001}");
        resumed.add("{\"type\":\"epoch\",\"epoch\":1}");
        resumed.flush();

        assertEquals(inodeBefore, Files.getAttribute(file, "unix:ino"), "the file was replaced, not appended to");
        String after = Files.readString(file);
        assertTrue(after.startsWith(history.toString()), "the history changed");
        List<String> added = after.substring(history.length()).lines().toList();
        assertEquals(2, added.size(), after.substring(history.length()));
        assertTrue(added.stream().allMatch(l -> attempt(l) == 2 && l.contains("\"time\":\"")), added.toString());
    }

    @Test
    void aLineTornByACrashIsDroppedBeforeNewLinesAreAppended(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(MetricsLog.FILE);
        Files.writeString(file, "{\"type\":\"step\",\"global_step\":1,\"attempt\":1}\n{\"type\":\"step\",\"glo");

        MetricsLog resumed = MetricsLog.open(new RunFolder(dir.toString()), new Configuration());
        resumed.add("{\"type\":\"step\",\"global_step\":2}");
        resumed.flush();

        List<String> lines = Files.readString(file).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertEquals(List.of(1, 2), lines.stream().map(l -> attempt(l)).toList());
    }

    private static int attempt(String line) {
        try {
            return JSON.readTree(line).path("attempt").asInt();
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
