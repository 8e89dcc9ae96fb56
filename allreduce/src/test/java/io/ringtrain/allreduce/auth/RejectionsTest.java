package io.ringtrain.allreduce.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.allreduce.auth.Rejections.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Counting every rejection and rate-limiting their log lines, on a clock the test moves. */
class RejectionsTest {
  /** Keeps every line it is given. */
  private static class RecordingLogger implements System.Logger {
    final List<String> lines = new ArrayList<>();

    @Override public String getName() { return "recording"; }
    @Override public boolean isLoggable(Level level) { return true; }
    @Override public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) { lines.add(msg); }
    @Override public void log(Level level, ResourceBundle bundle, String format, Object... params) { lines.add(format); }
  }

  @Test
  void aFloodLogsOneLinePerReasonPerSecondAndCountsEveryRejection() {
    RecordingLogger log = new RecordingLogger();
    AtomicLong now = new AtomicLong(5_000_000_000L);
    Rejections rejections = new Rejections(log, now::get);
    for (int i = 0; i < 1000; i++) rejections.record(Reason.TIMEOUT, "silent stranger " + i);
    rejections.record(Reason.WRONG_SECRET, "wrong secret");
    assertEquals(List.of("silent stranger 0", "wrong secret"), log.lines);

    now.addAndGet(Rejections.LOG_INTERVAL_NANOS);
    rejections.record(Reason.TIMEOUT, "silent stranger 1000");
    assertEquals(3, log.lines.size());
    assertTrue(log.lines.get(2).startsWith("silent stranger 1000") && log.lines.get(2).contains("999 more rejected as TIMEOUT"), log.lines.get(2));
    assertEquals(1002, rejections.count());
  }

  @Test
  void aLoggerThatThrowsCostsOnlyTheLine() {
    System.Logger broken =
        new RecordingLogger() {
          @Override public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) { throw new NoClassDefFoundError("no file descriptors left"); }
          @Override public void log(Level level, ResourceBundle bundle, String format, Object... params) { throw new NoClassDefFoundError("no file descriptors left"); }
        };
    Rejections rejections = new Rejections(broken, System::nanoTime);
    rejections.record(Reason.MALFORMED, "garbage");
    rejections.record(Reason.WRONG_SECRET, "wrong secret");
    assertEquals(2, rejections.count());
  }
}
