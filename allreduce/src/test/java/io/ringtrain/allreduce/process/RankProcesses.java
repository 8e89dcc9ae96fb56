package io.ringtrain.allreduce.process;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * W rank JVMs started from this JVM's classpath. Each child prints {@code PORT p} once its server
 * is bound, reads {@code PEERS h:p,h:p,...} from stdin, and then reports on stdout; every line is
 * collected with the rank and the time it arrived. Children's stderr goes to {@code logDir}.
 */
public final class RankProcesses implements AutoCloseable {
  /** One stdout line of one rank. */
  public record Line(int rank, String text, long receivedMillis) {}

  private final List<Process> processes = new ArrayList<>();
  private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();

  private RankProcesses() {}

  /**
   * Starts {@code world} JVMs running {@code mainClass} with {@code argsOf.apply(rank)}, waits for
   * their ports and sends every one the peers list.
   */
  public static RankProcesses start(
      int world, Class<?> mainClass, List<String> jvmFlags, java.util.function.IntFunction<List<String>> argsOf, File logDir, long startMillis)
      throws IOException, InterruptedException {
    return start(world, mainClass, jvmFlags, argsOf, logDir, startMillis, r -> List.of(), r -> "127.0.0.1");
  }

  /**
   * As {@link #start(int, Class, List, java.util.function.IntFunction, File, long)}, each rank's JVM
   * started through {@code launcherOf.apply(rank)} (for example {@code ip netns exec host1}) and
   * announced to its peers at {@code hostOf.apply(rank)}, the address it binds to.
   */
  public static RankProcesses start(
      int world, Class<?> mainClass, List<String> jvmFlags, java.util.function.IntFunction<List<String>> argsOf, File logDir, long startMillis,
      java.util.function.IntFunction<List<String>> launcherOf, java.util.function.IntFunction<String> hostOf)
      throws IOException, InterruptedException {
    RankProcesses ranks = new RankProcesses();
    logDir.mkdirs();
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    try {
      for (int r = 0; r < world; r++) {
        List<String> command = new ArrayList<>(launcherOf.apply(r));
        command.add(java);
        command.add("--add-modules");
        command.add("jdk.incubator.vector");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(argsOf.apply(r));
        Process process =
            new ProcessBuilder(command).redirectError(new File(logDir, "rank" + r + ".stderr.log")).start();
        ranks.processes.add(process);
        int rank = r;
        Thread reader = new Thread(() -> ranks.pump(rank, process), "rank-" + r + "-stdout");
        reader.setDaemon(true);
        reader.start();
      }
      String[] peers = new String[world];
      long deadline = System.currentTimeMillis() + startMillis;
      for (int seen = 0; seen < world; ) {
        Line line = ranks.lines.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        if (line == null) throw new IllegalStateException("rank JVMs did not report their ports within " + startMillis + " ms; see " + logDir);
        if (line.text().startsWith("PORT ")) {
          peers[line.rank()] = hostOf.apply(line.rank()) + ":" + line.text().substring(5).trim();
          seen++;
        }
      }
      String peerLine = "PEERS " + String.join(",", peers) + "\n";
      for (Process process : ranks.processes) {
        Writer stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        stdin.write(peerLine);
        stdin.flush();
      }
      return ranks;
    } catch (IOException | InterruptedException | RuntimeException e) {
      ranks.close();
      throw e;
    }
  }

  private void pump(int rank, Process process) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String text; (text = out.readLine()) != null; ) lines.add(new Line(rank, text, System.currentTimeMillis()));
    } catch (IOException e) {
      // the process went away; its exit is observed elsewhere
    }
  }

  /** The next line from any rank, or null after {@code millis}. */
  public Line next(long millis) throws InterruptedException {
    return lines.poll(millis, TimeUnit.MILLISECONDS);
  }

  public Process process(int rank) {
    return processes.get(rank);
  }

  /** Reads the peers line a child gets on stdin. */
  public static List<String> readPeers() throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line = in.readLine();
    if (line == null || !line.startsWith("PEERS ")) throw new IllegalStateException("expected PEERS on stdin, got " + line);
    return List.of(line.substring(6).trim().split(","));
  }

  /** Waits up to {@code millis} for every rank to exit by itself (before {@link #close} kills the rest). */
  public void awaitExit(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    for (Process process : processes) process.waitFor(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroyForcibly(); // SIGKILL also ends a SIGSTOPped JVM
    }
    for (Process process : processes) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
