package io.ringtrain.allreduce.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtrain.allreduce.process.RankProcesses;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code deploy/bin/bench multihost-allreduce}: our ring all-reduce and Gloo's between W hosts of
 * {@code deploy/bin/ringtrain-hosts} (network namespaces joined by a bridge, each host's egress
 * shaped to the link rate with tc tbf), one rank per host, each bound to its host's address: W = 2, 3
 * and 4, links of 1 and 5 Gbit/s, float32 buffers of 4 KiB, 1, 16 and 64 MiB, ours on
 * {@link io.ringtrain.allreduce.DirectFloats}. Gloo runs in the same run (tools/bench/allreduce_gloo.py
 * with {@code --rank}, one process per host, {@code GLOO_SOCKET_IFNAME} = the host's interface), and
 * rounds alternate ours and Gloo's ({@code --rounds}, 3).
 *
 * <p>Time is rank 0's median over timed all-reduces, each after a barrier, the figure the median over
 * the rounds. Bus bandwidth = 2(W−1)/W · bytes / time. Two lines per setting: {@code bus_bw_vs_link}
 * ({@code ours}: our bus bandwidth in Gbit/s, {@code reference}: the link rate, {@code ratio}: their
 * quotient) and {@code vs-gloo} (bus bandwidths in Gbit/s; {@code ratio} = Gloo's time / ours).
 * Each line also carries rank 0's CPU per timed all-reduce, user and kernel ({@code ours_cpu_user_ms},
 * {@code ours_cpu_sys_ms}; on {@code vs-gloo} lines Gloo's as {@code reference_cpu_..}), medians over the rounds.
 * Needs root (the hosts are namespaces); refuses with ringtrain-hosts' one line otherwise.
 * Options: {@code --quick} (W = 2, 16 and 64 MiB, one round), {@code --worlds 2,3,4 --rates 1gbit,5gbit
 * --sizes B,.. --iters N,.. --warmup N,.. --rounds N --connections K} (K connections per neighbour, default 1).
 */
public final class MultiHostAllReduceBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The hosts' name prefix and state folder: apart from a user's own {@code ringtrain-hosts}. */
  private static final String HOSTS_NAME = "rtbench";

  private static List<Integer> worlds = List.of(2, 3, 4);
  private static List<String> rates = List.of("1gbit", "5gbit");
  private static int[] sizes = {4 << 10, 1 << 20, 16 << 20, 64 << 20};
  // A 64 MiB all-reduce of W = 4 takes about 0.8 s at 1 Gbit/s: few iterations, rounds give the spread.
  private static int[] iters = {100, 20, 8, 5};
  private static int[] warmup = {50, 5, 2, 2};
  private static int rounds = 3;
  /** Connections per neighbour ({@code --connections K}); lines carry {@code "connections":K} where it is not 1. */
  private static int connections = 1;

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> {
          worlds = List.of(2);
          sizes = new int[] {16 << 20, 64 << 20};
          iters = new int[] {8, 5};
          warmup = new int[] {2, 2};
          rounds = 1;
        }
        case "--worlds" -> worlds = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
        case "--rates" -> rates = List.of(args[++i].split(","));
        case "--sizes" -> sizes = BenchRankMain.ints(args[++i]);
        case "--iters" -> iters = BenchRankMain.ints(args[++i]);
        case "--warmup" -> warmup = BenchRankMain.ints(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--connections" -> connections = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("multihost-allreduce: unknown option " + args[i] + "; options: --quick --worlds 2,3,4 --rates 1gbit,5gbit --sizes B,.. --iters N,.. --warmup N,.. --rounds N --connections K");
          System.exit(2);
        }
      }
    }
    File root = new File(System.getProperty("ringtrain.root", "."));
    File logs = new File(root, "allreduce/target/bench-logs/multihost");
    try {
      run(root, logs);
    } catch (HostsRefused e) {
      System.err.println(e.getMessage());
      System.exit(e.status == 2 ? 2 : 1);
    }
  }

  private static void run(File root, File logs) throws Exception {
    for (int world : worlds) {
      Hosts hosts = Hosts.start(root, world, new File(logs, "hosts"));
      try {
        for (String rate : rates) {
          hosts.shape(rate);
          List<Map<Integer, Timing>> ours = new ArrayList<>(), gloo = new ArrayList<>();
          for (int round = 0; round < rounds; round++) {
            ours.add(ourMedians(hosts, world, logs));
            gloo.add(glooMedians(hosts, world, root, round));
          }
          for (int size : sizes) lines(world, rate, size, ours, gloo);
        }
      } finally {
        hosts.stop();
      }
    }
  }

  private static void lines(int world, String rate, int size, List<Map<Integer, Timing>> ours, List<Map<Integer, Timing>> gloo) {
    double linkGbit = linkBitsPerSecond(rate) / 1e9;
    double busBits = 2.0 * (world - 1) / world * size * 8;
    List<Timing> ourRounds = rounds(ours, size), glooRounds = rounds(gloo, size);
    double ourGbit = busBits / median(seconds(ourRounds)) / 1e9;
    System.out.println(line(world, linkGbit, size, "bus_bw_vs_link", ourGbit, linkGbit, ourRounds, null));
    if (!glooRounds.isEmpty()) System.out.println(line(world, linkGbit, size, "vs-gloo", ourGbit, busBits / median(seconds(glooRounds)) / 1e9, ourRounds, glooRounds));
  }

  /** One JSON line; {@code glooRounds} null on a line without the reference's times. */
  static ObjectNode line(int world, double linkGbit, int size, String metric, double ours, double reference, List<Timing> ourRounds, List<Timing> glooRounds) {
    ObjectNode line = JSON.createObjectNode().put("bench", "multihost-allreduce");
    ObjectNode params = line.putObject("params").put("world", world);
    if (linkGbit == Math.rint(linkGbit)) params.put("link_gbit", (long) linkGbit); else params.put("link_gbit", linkGbit);
    if (size >= (1 << 20)) params.put("mib", size >> 20); else params.put("mib", size / (double) (1 << 20));
    params.put("buffer", "direct");
    if (connections != 1) params.put("connections", connections);
    line.put("metric", metric).put("ours", round(ours, 4)).put("reference", round(reference, 4)).put("ratio", round(ours / reference, 3));
    line.put("unit", "bus Gbit/s");
    line.put("ours_median_ms", round(median(seconds(ourRounds)) * 1e3, 3));
    ourRounds.forEach(t -> line.withArray("ours_rounds_ms").add(round(t.seconds() * 1e3, 3)));
    cpu(line, "ours", ourRounds);
    if (glooRounds != null) {
      line.put("reference_median_ms", round(median(seconds(glooRounds)) * 1e3, 3));
      glooRounds.forEach(t -> line.withArray("reference_rounds_ms").add(round(t.seconds() * 1e3, 3)));
      cpu(line, "reference", glooRounds);
    }
    return line;
  }

  /**
   * Rank 0's CPU per timed all-reduce (median over the rounds, ms), its whole process: user space
   * ({@code _cpu_user_ms}) and kernel ({@code _cpu_sys_ms}), which is what tells a difference in our
   * own per-byte work from the kernel's TCP work. Absent where /proc was not readable.
   */
  private static void cpu(ObjectNode line, String side, List<Timing> rounds) {
    if (rounds.stream().anyMatch(t -> t.userSeconds() < 0)) return;
    line.put(side + "_cpu_user_ms", round(median(rounds.stream().map(Timing::userSeconds).toList()) * 1e3, 2));
    line.put(side + "_cpu_sys_ms", round(median(rounds.stream().map(Timing::systemSeconds).toList()) * 1e3, 2));
  }

  /** Rank 0's figures for one size in one round: median seconds, and CPU seconds per timed all-reduce. */
  record Timing(double seconds, double userSeconds, double systemSeconds) {}

  /** Rank 0's timings per size: one JVM per host, each bound to its host's address. */
  private static Map<Integer, Timing> ourMedians(Hosts hosts, int world, File logs) throws Exception {
    Map<Integer, Timing> medians = new HashMap<>();
    List<String> flags = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC", "-XX:ParallelGCThreads=1", "-Dringtrain.bench.buffer=direct",
        "-Dringtrain.bench.connections=" + connections));
    // the ranks' JIT warm-up: BenchRankMain's (10 s, what four rank JVMs on two cores need) unless given
    BenchRankMain.passOn(flags, "ringtrain.bench.jitWarmUpMillis");
    try (RankProcesses ranks = RankProcesses.start(world, BenchRankMain.class, flags,
        r -> List.of(Integer.toString(r), Integer.toString(world), "-1", join(sizes), join(iters), join(warmup), hosts.address(r)),
        new File(logs, "w" + world), 60_000, hosts::launcher, hosts::address)) {
      while (medians.size() < sizes.length) {
        RankProcesses.Line line = ranks.next(300_000);
        if (line == null) throw new IllegalStateException("benchmark ranks stopped reporting; see " + logs);
        if (line.text().startsWith("RESULT ")) {
          String[] parts = line.text().split(" ");
          medians.put(Integer.parseInt(parts[1]), new Timing(Long.parseLong(parts[2]) / 1e9, Long.parseLong(parts[3]) / 1e9, Long.parseLong(parts[4]) / 1e9));
        }
      }
      ranks.awaitExit(10_000);
    }
    return medians;
  }

  /** Gloo's: one Python process per host, rank 0 listening on host 0's address. */
  private static Map<Integer, Timing> glooMedians(Hosts hosts, int world, File root, int round) throws Exception {
    String script = new File(root, "tools/bench/allreduce_gloo.py").getPath();
    String init = "tcp://" + hosts.address(0) + ":" + (29500 + round % 100); // a port per round: the last one's may be in TIME_WAIT
    List<Process> ranks = new ArrayList<>();
    Map<Integer, Timing> medians = new HashMap<>();
    try {
      for (int r = 0; r < world; r++) {
        List<String> command = new ArrayList<>(hosts.launcher(r));
        command.addAll(List.of("env", "GLOO_SOCKET_IFNAME=" + Hosts.INTERFACE, "/usr/bin/python3", script, "--world", Integer.toString(world),
            "--rank", Integer.toString(r), "--init", init, "--sizes", join(sizes), "--iters", join(iters), "--warmup", join(warmup)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().remove("OPENBLAS_CORETYPE");
        builder.environment().remove("OPENBLAS_L2_SIZE");
        if (r > 0) builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        ranks.add(builder.start());
      }
      try (BufferedReader out = new BufferedReader(new InputStreamReader(ranks.get(0).getInputStream(), StandardCharsets.UTF_8))) {
        for (String text; (text = out.readLine()) != null; ) {
          var result = JSON.readTree(text);
          if (result.has("bytes")) medians.put(result.get("bytes").asInt(), new Timing(result.get("median_s").asDouble(), result.get("user_s").asDouble(), result.get("sys_s").asDouble()));
        }
      }
      for (Process p : ranks) p.waitFor();
      if (medians.size() < sizes.length) System.err.println("the Gloo reference stopped early (W=" + world + "); vs-gloo lines are missing for the sizes it did not report");
    } finally {
      for (Process p : ranks) p.destroyForcibly();
    }
    return medians;
  }

  /** The hosts, through deploy/bin/ringtrain-hosts (no Spark): started, shaped, stopped. */
  private record Hosts(File root, File dir, int count) {
    static final String INTERFACE = "eth0";

    static Hosts start(File root, int count, File dir) throws IOException, InterruptedException {
      Hosts hosts = new Hosts(root, dir, count);
      hosts.script("stop"); // what an interrupted run left
      hosts.script("start", Integer.toString(count), "--no-spark");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          hosts.script("stop");
        } catch (Exception e) {
          System.err.println("multihost-allreduce: stopping the hosts failed: " + e);
        }
      }));
      return hosts;
    }

    void shape(String rate) throws IOException, InterruptedException {
      script("shape", rate);
    }

    void stop() throws IOException, InterruptedException {
      script("stop");
    }

    List<String> launcher(int rank) {
      return List.of("ip", "netns", "exec", HOSTS_NAME + "-h" + rank);
    }

    String address(int rank) {
      return "10.77.0." + (rank + 1);
    }

    private void script(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of(new File(root, "deploy/bin/ringtrain-hosts").getPath()));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("RINGTRAIN_HOSTS_NAME", HOSTS_NAME);
      builder.environment().put("RINGTRAIN_HOSTS_DIR", dir.getPath());
      builder.environment().put("RINGTRAIN_HOSTS_SUBNET", "10.77.0.0/24");
      Process p = builder.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) throw new HostsRefused(out.isEmpty() ? "ringtrain-hosts " + String.join(" ", args) + " failed" : out, p.exitValue());
    }
  }

  /** ringtrain-hosts said no (status 2: no root or no ip netns), with its message. */
  private static final class HostsRefused extends RuntimeException {
    final int status;

    HostsRefused(String message, int status) {
      super(message);
      this.status = status;
    }
  }

  static double linkBitsPerSecond(String rate) {
    var m = java.util.regex.Pattern.compile("([0-9]+)(k|m|g)bit").matcher(rate);
    if (!m.matches()) throw new IllegalArgumentException("a link rate such as 1gbit or 500mbit, got " + rate);
    double scale = switch (m.group(2)) { case "k" -> 1e3; case "m" -> 1e6; default -> 1e9; };
    return Long.parseLong(m.group(1)) * scale;
  }

  private static List<Timing> rounds(List<Map<Integer, Timing>> byRound, int size) {
    return byRound.stream().map(r -> r.get(size)).filter(java.util.Objects::nonNull).toList();
  }

  private static List<Double> seconds(List<Timing> rounds) {
    return rounds.stream().map(Timing::seconds).toList();
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.rint(value * scale) / scale;
  }

  private static String join(int[] values) {
    return String.join(",", Arrays.stream(values).mapToObj(Integer::toString).toList());
  }

  private MultiHostAllReduceBench() {}
}
