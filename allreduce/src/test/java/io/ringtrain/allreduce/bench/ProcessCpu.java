package io.ringtrain.allreduce.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time this JVM has used, every thread together, split into user space and kernel, read
 * from {@code /proc/self/stat} (utime and stime, in clock ticks of 10 ms: Linux's USER_HZ is 100).
 * The split is what tells copies in our code from the kernel's socket work; the total alone would not.
 */
final class ProcessCpu {
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ProcessCpu() {}

  /** {user, system} nanoseconds, or null where /proc is not there (not Linux). */
  static long[] userAndSystemNanos() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // the command name (field 2) is in parentheses and may hold spaces: count from its end
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(fields[11]) * NANOS_PER_TICK, Long.parseLong(fields[12]) * NANOS_PER_TICK};
    } catch (IOException | RuntimeException notLinux) {
      return null;
    }
  }
}
