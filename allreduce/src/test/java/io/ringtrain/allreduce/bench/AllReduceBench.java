package io.ringtrain.allreduce.bench;

import io.ringtrain.allreduce.RingTls;
import io.ringtrain.allreduce.process.RankProcesses;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code deploy/bin/bench allreduce}: ring all-reduce of float32 buffers between W = 2 and 4 rank
 * JVMs on loopback, sizes 4 KiB, 1 MiB, 16 MiB and 64 MiB, against two references measured in
 * the same run:
 *
 * <ul>
 *   <li>{@code vs-gloo}: PyTorch's Gloo all-reduce with the same W, sizes and protocol
 *       (tools/bench/allreduce_gloo.py, run with /usr/bin/python3);
 *   <li>{@code vs-tcp-bound}: one loopback TCP stream between two JVMs (TcpBoundMain). A ring
 *       rank sends and receives 2(W−1)/W of the buffer over one connection each way, so its bus
 *       bandwidth cannot beat that stream's throughput.
 * </ul>
 *
 * Time is rank 0's median over timed iterations, each started after a barrier, in each of three
 * rounds (ours then Gloo, {@code --rounds N}); each figure is the median over the rounds, and the
 * lines list every round's time ({@code ours_rounds_ms}, {@code reference_rounds_ms}). Bus bandwidth =
 * 2(W−1)/W · bytes / time (the NCCL convention), in GB/s (10^9 bytes). {@code ours} and {@code
 * reference} are bus bandwidths; ratio = ours / reference (higher is better), which for one size
 * equals reference time / our time. Ours is measured twice: on float arrays (params without
 * {@code buffer}), and on {@link io.ringtrain.allreduce.DirectFloats} ({@code "buffer":"direct"}),
 * native memory the ring sends from without copying, as Gloo sends from a tensor. Each line also gives the CPU one rank's process used per
 * all-reduce, in user space and in the kernel ({@code ours_cpu_ms}, {@code reference_cpu_ms}):
 * with four ranks on two cores, CPU is what bounds the time. Options: {@code --worlds 2,4 --sizes B,.. --iters N,..
 * --warmup N,.. --rounds N --buffers heap,direct --small-bytes B --no-reference} (the last two for choosing the threshold),
 * and {@code --connections 1,2,4}, which prints only the comparison of connections per neighbour ({@link #connectionsScan}).
 */
public final class AllReduceBench {
  private static int[] SIZES = {4 << 10, 1 << 20, 16 << 20, 64 << 20};
  private static int[] ITERS = {200, 40, 60, 30}; // medians of 20 and 8 moved by 10-20% from run to run
  // the first second or so of 16 and 64 MiB all-reduces after the JIT warm-up ran up to twice as
  // slow (W = 4): 20 and 10 untimed ones cover it
  private static int[] WARMUP = {200, 20, 20, 10};
  /** Recursive doubling up to this many bytes, ring above; -1: the communicator's default. */
  private static int smallBufferBytes = -1;
  /** Connections per neighbour of the rank JVMs started next (the {@code --connections} scan sets it). */
  private static int connectionsPerPeer = 1;
  /** What ours reduces: float arrays, and DirectFloats ({@code --buffers heap,direct}). */
  private static List<String> BUFFERS = List.of("heap", "direct");

  /** Heap and GC of the rank JVMs; {@code -Dringtrain.bench.segmentBytes=N} is passed on (segment-size scans). */
  private static List<String> rankJvmFlags(String buffer, RingTls.Engine tls) {
    List<String> flags = new java.util.ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC", "-XX:ParallelGCThreads=1"));
    BenchRankMain.passOn(flags, "ringtrain.bench.segmentBytes");
    BenchRankMain.passOn(flags, "ringtrain.bench.jitWarmUpMillis");
    BenchRankMain.passOn(flags, "ringtrain.bench.ioThreads");
    flags.add("-Dringtrain.bench.buffer=" + buffer);
    flags.add("-Dringtrain.bench.connections=" + connectionsPerPeer);
    if (tls != null) {
      flags.add("-Dringtrain.bench.tlsKeyStore=" + tlsKeyStore);
      flags.add("-Dringtrain.bench.tlsEngine=" + tls.name());
    }
    return flags;
  }

  public static void main(String[] args) throws Exception {
    List<Integer> worlds = List.of(2, 4);
    boolean noReference = false;
    int rounds = 3;
    List<Integer> tlsWorlds = List.of(2);
    RingTls.Engine tlsEngine = RingTls.Engine.preferred();
    int[] connections = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--worlds" -> worlds = worlds(args[++i]);
        case "--tls-worlds" -> tlsWorlds = worlds(args[++i]);
        case "--tls-engine" -> tlsEngine = RingTls.Engine.valueOf(args[++i].toUpperCase(Locale.ROOT));
        case "--sizes" -> SIZES = BenchRankMain.ints(args[++i]);
        case "--iters" -> ITERS = BenchRankMain.ints(args[++i]);
        case "--warmup" -> WARMUP = BenchRankMain.ints(args[++i]);
        case "--no-reference" -> noReference = true;
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--small-bytes" -> smallBufferBytes = Integer.parseInt(args[++i]);
        case "--buffers" -> BUFFERS = List.of(args[++i].split(","));
        case "--connections" -> connections = BenchRankMain.ints(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --worlds 2,4 --sizes B,.. --iters N,.. --warmup N,.. --rounds N --small-bytes B --buffers heap,direct --no-reference --tls-worlds 2 --tls-engine openssl|jdk --connections 1,2,4");
      }
    }
    File root = new File(System.getProperty("ringtrain.root", "."));
    File logs = new File(root, "allreduce/target/bench-logs");
    if (connections != null) {
      connectionsScan(worlds, connections, rounds, logs);
      return;
    }
    double tcpBytesPerSecond = noReference || worlds.isEmpty() ? Double.NaN : tcpBound(logs);
    for (int world : worlds) {
      // rounds alternate ours and Gloo, so that a slow spell of the host (other tenants) lands in
      // one round of one side, and the median over rounds leaves it out
      Map<String, List<Map<Integer, Timing>>> oursByBuffer = new java.util.LinkedHashMap<>();
      List<Map<Integer, Timing>> gloo = new java.util.ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        for (String buffer : BUFFERS) oursByBuffer.computeIfAbsent(buffer, b -> new java.util.ArrayList<>()).add(ourMedians(world, buffer, null, SIZES, ITERS, WARMUP, logs));
        if (!noReference) gloo.add(glooMedians(world, root));
      }
      for (int size : SIZES) {
        for (String buffer : BUFFERS) {
          Timing ours = Timing.medianOf(oursByBuffer.get(buffer), size);
          double busFactor = 2.0 * (world - 1) / world * size;
          double ourBus = busFactor / ours.medianSeconds() / 1e9;
          String params = String.format(Locale.ROOT, "{\"world\":%d,\"mib\":%s%s}", world, mib(size), buffer.equals("heap") ? "" : ",\"buffer\":\"" + buffer + "\"");
          Timing reference = Timing.medianOf(gloo, size);
          if (reference != null) line(params, "vs-gloo", ourBus, busFactor / reference.medianSeconds() / 1e9, ours, reference);
          line(params, "vs-tcp-bound", ourBus, tcpBytesPerSecond / 1e9, ours, null);
        }
      }
    }
    if (!tlsWorlds.isEmpty()) tlsCost(tlsWorlds, tlsEngine, rounds, logs);
  }

  /**
   * {@code --connections 1,2,4}: only the {@code vs-one-connection} lines. For each W, rounds run
   * every K of the list in turn (interleaved, so a slow spell of the host lands in one round of one
   * K); {@code ours} is the bus bandwidth with K connections per neighbour and {@code reference}
   * the same with one, each the median over the rounds, and ratio = ours / reference (above 1: K
   * connections help). No Gloo or TLS lines.
   */
  private static void connectionsScan(List<Integer> worlds, int[] connections, int rounds, File logs) throws Exception {
    for (int world : worlds) {
      Map<String, Map<Integer, List<Map<Integer, Timing>>>> byBuffer = new java.util.LinkedHashMap<>();
      for (int round = 0; round < rounds; round++) {
        for (int k : connections) {
          connectionsPerPeer = k;
          for (String buffer : BUFFERS) {
            byBuffer.computeIfAbsent(buffer, b -> new java.util.TreeMap<>()).computeIfAbsent(k, x -> new ArrayList<>())
                .add(ourMedians(world, buffer, null, SIZES, ITERS, WARMUP, logs));
          }
        }
      }
      connectionsPerPeer = 1;
      for (int size : SIZES) {
        double busFactor = 2.0 * (world - 1) / world * size;
        for (String buffer : BUFFERS) {
          Map<Integer, List<Map<Integer, Timing>>> byK = byBuffer.get(buffer);
          Timing one = byK.containsKey(1) ? Timing.medianOf(byK.get(1), size) : null;
          for (int k : connections) {
            Timing ours = Timing.medianOf(byK.get(k), size);
            String params = String.format(Locale.ROOT, "{\"world\":%d,\"mib\":%s,\"buffer\":\"%s\",\"connections\":%d}", world, mib(size), buffer, k);
            double ourBus = busFactor / ours.medianSeconds() / 1e9;
            double oneBus = one == null ? Double.NaN : busFactor / one.medianSeconds() / 1e9;
            line(params, "vs-one-connection", ourBus, oneBus, ours, one);
          }
        }
      }
    }
  }

  /**
   * The {@code tls_cost} lines: the same ring on float arrays, plain TCP and TLS ({@code engine}),
   * at the sizes of 16 MiB and up, in rounds that alternate the two. {@code ours} is the TLS time
   * and {@code reference} the plaintext time (ms, each the median over the rounds); {@code
   * tls_cost} = ours / reference (1.0: TLS is free), and {@code ratio} = reference / ours, so that
   * higher is better as on every bench line.
   */
  private static void tlsCost(List<Integer> worlds, RingTls.Engine engine, int rounds, File logs) throws Exception {
    List<Integer> large = new ArrayList<>();
    for (int s = 0; s < SIZES.length; s++) if (SIZES[s] >= (16 << 20)) large.add(s);
    if (large.isEmpty()) return;
    int[] sizes = large.stream().mapToInt(s -> SIZES[s]).toArray();
    int[] iters = large.stream().mapToInt(s -> ITERS[s]).toArray();
    int[] warmup = large.stream().mapToInt(s -> WARMUP[s]).toArray();
    tlsKeyStore = makeKeyStore(new File(logs, "tls"));
    for (int world : worlds) {
      List<Map<Integer, Timing>> plain = new ArrayList<>();
      List<Map<Integer, Timing>> tls = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        plain.add(ourMedians(world, "heap", null, sizes, iters, warmup, logs));
        tls.add(ourMedians(world, "heap", engine, sizes, iters, warmup, logs));
      }
      for (int size : sizes) {
        Timing withTls = Timing.medianOf(tls, size);
        Timing withoutTls = Timing.medianOf(plain, size);
        double tlsMs = withTls.medianSeconds() * 1e3;
        double plainMs = withoutTls.medianSeconds() * 1e3;
        String params = String.format(Locale.ROOT, "{\"world\":%d,\"mib\":%s,\"tls\":true,\"engine\":\"%s\"}", world, mib(size), engine);
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\"bench\":\"allreduce\",\"params\":%s,\"metric\":\"tls_cost\",\"ours\":%.4f,\"reference\":%.4f,\"ratio\":%.3f",
            params, tlsMs, plainMs, plainMs / tlsMs));
        json.append(String.format(Locale.ROOT, ",\"unit\":\"ms\",\"ratio_is\":\"plaintext time / TLS time (higher is better)\",\"tls_cost\":%.3f", tlsMs / plainMs));
        json.append(",\"ours_rounds_ms\":").append(withTls.roundsJson()).append(",\"reference_rounds_ms\":").append(withoutTls.roundsJson());
        json.append(",\"ours_cpu_ms\":").append(withTls.cpuJson()).append(",\"reference_cpu_ms\":").append(withoutTls.cpuJson());
        System.out.println(json.append('}'));
      }
    }
  }

  /** The key store of the TLS rounds: an EC key pair and self-signed certificate made by the JDK's keytool. */
  private static File makeKeyStore(File dir) throws Exception {
    dir.mkdirs();
    File store = new File(dir, "bench.p12");
    store.delete();
    Process keytool = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/keytool").getPath(), "-genkeypair", "-alias", "ring",
        "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=ringtrain bench", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.getPath(), "-storepass", BenchRankMain.TLS_PASSWORD, "-keypass", BenchRankMain.TLS_PASSWORD)
        .redirectErrorStream(true).start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keytool.waitFor() != 0) throw new IllegalStateException("keytool failed: " + out);
    return store;
  }

  /** The TLS rounds' key store, once made. */
  private static File tlsKeyStore;

  private static List<Integer> worlds(String list) {
    return list.equals("none") ? List.of() : java.util.Arrays.stream(list.split(",")).map(Integer::valueOf).toList();
  }

  /** One size's result on rank 0: median time, and its process's CPU per iteration (NaN: unknown). */
  private record Timing(double medianSeconds, double userMillis, double systemMillis, List<Double> roundMillis) {
    Timing(double medianSeconds, double userMillis, double systemMillis) {
      this(medianSeconds, userMillis, systemMillis, List.of(medianSeconds * 1e3));
    }

    /** Each field's median over the rounds that measured {@code size}; null if none did. */
    static Timing medianOf(List<Map<Integer, Timing>> rounds, int size) {
      List<Timing> measured = rounds.stream().map(r -> r.get(size)).filter(java.util.Objects::nonNull).toList();
      if (measured.isEmpty()) return null;
      return new Timing(median(measured.stream().mapToDouble(Timing::medianSeconds)), median(measured.stream().mapToDouble(Timing::userMillis)),
          median(measured.stream().mapToDouble(Timing::systemMillis)), measured.stream().map(t -> t.medianSeconds() * 1e3).toList());
    }

    private static double median(java.util.stream.DoubleStream values) {
      double[] sorted = values.sorted().toArray();
      int n = sorted.length;
      return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    String roundsJson() {
      return roundMillis.stream().map(ms -> String.format(Locale.ROOT, "%.3f", ms)).collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    String cpuJson() {
      return String.format(Locale.ROOT, "{\"user\":%.2f,\"sys\":%.2f}", userMillis, systemMillis).replace("NaN", "null");
    }
  }

  private static void line(String params, String metric, double ours, double reference, Timing ourTiming, Timing referenceTiming) {
    StringBuilder json = new StringBuilder();
    json.append(String.format(Locale.ROOT, "{\"bench\":\"allreduce\",\"params\":%s,\"metric\":\"%s\",\"ours\":%.4f,\"reference\":%.4f,\"ratio\":%.3f",
        params, metric, ours, reference, ours / reference));
    json.append(String.format(Locale.ROOT, ",\"unit\":\"bus GB/s\",\"ours_median_ms\":%.4f", ourTiming.medianSeconds() * 1e3));
    if (referenceTiming != null) json.append(String.format(Locale.ROOT, ",\"reference_median_ms\":%.4f", referenceTiming.medianSeconds() * 1e3));
    json.append(",\"ours_rounds_ms\":").append(ourTiming.roundsJson());
    if (referenceTiming != null) json.append(",\"reference_rounds_ms\":").append(referenceTiming.roundsJson());
    json.append(",\"ours_cpu_ms\":").append(ourTiming.cpuJson());
    if (referenceTiming != null) json.append(",\"reference_cpu_ms\":").append(referenceTiming.cpuJson());
    System.out.println(json.append('}'));
  }

  private static String mib(int bytes) {
    if (bytes < (1 << 20)) return String.format(Locale.ROOT, "%.3f", bytes / (double) (1 << 20));
    return Integer.toString(bytes >> 20);
  }

  private static double tcpBound(File logs) throws Exception {
    List<Double> rates = new ArrayList<>();
    for (int attempt = 0; attempt < 2; attempt++) {
      try (RankProcesses pair = RankProcesses.start(2, TcpBoundMain.class, rankJvmFlags("heap", null), r -> List.of(Integer.toString(r), "2048"), new File(logs, "tcp"), 60_000)) {
        for (RankProcesses.Line line; (line = pair.next(120_000)) != null; ) {
          if (line.text().startsWith("TCP ")) {
            String[] parts = line.text().split(" ");
            rates.add(Long.parseLong(parts[1]) / (Long.parseLong(parts[2]) / 1e9));
            break;
          }
        }
      }
    }
    if (rates.isEmpty()) throw new IllegalStateException("the TCP bound run printed nothing; see " + logs);
    return rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /** Rank 0's timings by size, plain TCP or over TLS with {@code tls} (null: plain). */
  private static Map<Integer, Timing> ourMedians(int world, String buffer, RingTls.Engine tls, int[] sizes, int[] iters, int[] warmup, File logs)
      throws Exception {
    Map<Integer, Timing> medians = new HashMap<>();
    try (RankProcesses ranks =
        RankProcesses.start(world, BenchRankMain.class, rankJvmFlags(buffer, tls),
            r -> List.of(Integer.toString(r), Integer.toString(world), Integer.toString(smallBufferBytes), join(sizes), join(iters), join(warmup)),
            new File(logs, "w" + world + "-" + buffer + (tls == null ? "" : "-tls")), 60_000)) {
      while (medians.size() < sizes.length) {
        RankProcesses.Line line = ranks.next(180_000);
        if (line == null) throw new IllegalStateException("benchmark ranks stopped reporting; see " + logs);
        if (line.text().startsWith("RESULT ")) {
          String[] parts = line.text().split(" ");
          long user = Long.parseLong(parts[3]), system = Long.parseLong(parts[4]);
          medians.put(Integer.parseInt(parts[1]), new Timing(Long.parseLong(parts[2]) / 1e9, user < 0 ? Double.NaN : user / 1e6, system < 0 ? Double.NaN : system / 1e6));
        }
      }
      ranks.awaitExit(10_000);
    }
    return medians;
  }

  private static Map<Integer, Timing> glooMedians(int world, File root) throws Exception {
    Map<Integer, Timing> medians = new HashMap<>();
    File script = new File(root, "tools/bench/allreduce_gloo.py");
    ProcessBuilder builder =
        new ProcessBuilder("/usr/bin/python3", script.getPath(), "--world", Integer.toString(world), "--sizes", join(SIZES), "--iters", join(ITERS), "--warmup", join(WARMUP))
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().remove("OPENBLAS_CORETYPE");
    builder.environment().remove("OPENBLAS_L2_SIZE");
    Process python = builder.start();
    String number = "([0-9.eE+-]+)";
    Pattern result = Pattern.compile("\"bytes\": (\\d+), \"median_s\": " + number + ", \"user_s\": " + number + ", \"sys_s\": " + number);
    try (BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
      for (String text; (text = out.readLine()) != null; ) {
        Matcher m = result.matcher(text);
        if (m.find()) {
          medians.put(Integer.parseInt(m.group(1)), new Timing(Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)) * 1e3, Double.parseDouble(m.group(4)) * 1e3));
        }
      }
    }
    if (python.waitFor() != 0 || medians.isEmpty()) {
      System.err.println("the Gloo reference failed (exit " + python.exitValue() + "); vs-gloo lines are missing for W=" + world);
    }
    return medians;
  }

  private static String join(int[] values) {
    return String.join(",", java.util.Arrays.stream(values).mapToObj(Integer::toString).toList());
  }
}
