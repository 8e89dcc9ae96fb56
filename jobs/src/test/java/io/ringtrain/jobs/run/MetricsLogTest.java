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

    private static int attempt(String line) {
        try {
            return JSON.readTree(line).path("attempt").asInt();
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
