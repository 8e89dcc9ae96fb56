package io.ringtrain.allreduce.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Four rank JVMs all-reduce 4 MiB buffers (the ring algorithm); rank 2 dies or stops in the middle
 * of the third all-reduce (#2). Every survivor must fail, with a message naming the collective
 * (#2, or #3 for a rank that had already received everything #2 needed) and the peer, no later than the timeout (3 s) after the fault, plus 2.5 s of slack for
 * scheduling and JIT on a loaded 2-core machine. Each scenario runs twice.
 */
class RankFailureIT {
  private static final int WORLD = 4;
  private static final int VICTIM = 2;
  private static final long TIMEOUT_MILLIS = 3000;
  private static final long SLACK_MILLIS = 2500;
  private static final List<String> JVM_FLAGS =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dringtrain.allreduce.kernelWarmUp=false");

  static Stream<Arguments> faults() {
    return Stream.of(
            Arguments.of("halt", "reduce-scatter"),
            Arguments.of("halt", "all-gather"),
            Arguments.of("stall", "reduce-scatter"),
            Arguments.of("sigstop", "all-gather"))
        .flatMap(a -> Stream.of(Arguments.of(a.get()[0], a.get()[1], 1), Arguments.of(a.get()[0], a.get()[1], 2)));
  }

  @ParameterizedTest(name = "{0} during {1}, run {2}")
  @MethodSource("faults")
  void everySurvivorFailsWithinTheTimeout(String fault, String phase, int run) throws Exception {
    File logs = new File("target/it-logs/" + fault + "-" + phase + "-" + run);
    try (RankProcesses ranks =
        RankProcesses.start(
            WORLD,
            FaultyRankMain.class,
            JVM_FLAGS,
            r -> List.of(
                Integer.toString(r), Integer.toString(WORLD), Long.toString(TIMEOUT_MILLIS), Integer.toString(1 << 20), "4",
                Integer.toString(VICTIM), fault, phase, "2"),
            logs,
            60_000)) {
      Long faultMillis = null;
      Map<Integer, RankProcesses.Line> outcome = new HashMap<>();
      long deadline = System.currentTimeMillis() + 60_000 + 3 * TIMEOUT_MILLIS;
      while (outcome.size() < WORLD - 1 && System.currentTimeMillis() < deadline) {
        RankProcesses.Line line = ranks.next(1000);
        if (line == null) continue;
        if (line.text().startsWith("FAULT ")) faultMillis = Long.parseLong(line.text().substring(6).trim());
        if (line.text().startsWith("FAILED ") || line.text().equals("DONE")) outcome.put(line.rank(), line);
      }
      assertNotNull(faultMillis, "the victim never reached the fault; logs in " + logs);
      assertEquals(WORLD - 1, outcome.size(), "survivors that reported: " + outcome.keySet() + " (a hang?); logs in " + logs);
      for (Map.Entry<Integer, RankProcesses.Line> entry : outcome.entrySet()) {
        String text = entry.getValue().text();
        assertTrue(text.startsWith("FAILED "), "rank " + entry.getKey() + " did not fail: " + text);
        String[] parts = text.split(" ", 3);
        long failedAfter = Long.parseLong(parts[1]) - faultMillis;
        String message = parts[2];
        assertTrue(failedAfter <= TIMEOUT_MILLIS + SLACK_MILLIS, "rank " + entry.getKey() + " failed " + failedAfter + " ms after the fault: " + message);
        // a rank whose remaining inputs had all left the victim before the fault legitimately
        // completes #2 (with the full result) and then fails in #3
        assertTrue(message.contains("allReduce #2") || message.contains("allReduce #3"), "rank " + entry.getKey() + ": " + message);
        assertTrue(message.contains("rank "), "no peer named: " + message);
      }
    }
  }
}
