package io.ringtrain.allreduce.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Memory stays bounded by segments in flight, not by the buffer: a 256 MiB all-reduce (two ranks
 * in one JVM, so twice the traffic) completes with 64 MiB of direct memory, and Netty's paranoid
 * leak detector reports nothing.
 */
class BoundedDirectMemoryIT {
  @Test
  void a256MiBAllReduceCompletesUnder64MiBOfDirectMemory() throws Exception {
    File log = new File("target/it-logs/bounded-memory.stderr.log");
    log.getParentFile().mkdirs();
    String java = System.getProperty("java.home") + "/bin/java";
    Process process =
        new ProcessBuilder(
                List.of(
                    java, "--add-modules", "jdk.incubator.vector", "-XX:MaxDirectMemorySize=64m", "-Xmx1536m",
                    "-Dio.netty.leakDetection.level=paranoid", "-cp", System.getProperty("java.class.path"),
                    BoundedMemoryMain.class.getName(), "256"))
            .redirectError(log)
            .start();
    String stdout = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the 256 MiB all-reduce did not finish in 120 s");
    String stderr = Files.readString(log.toPath());
    assertEquals(0, process.exitValue(), "exit code; stderr:\n" + stderr);
    assertEquals("OK", stdout.trim(), "stderr:\n" + stderr);
    assertFalse(stderr.contains("LEAK"), "Netty reported a buffer leak:\n" + stderr);
    assertFalse(stderr.contains("OutOfDirectMemoryError"), stderr);
  }
}
