package io.ringtrain.allreduce.bench;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.CommunicatorConfig;
import io.ringtrain.allreduce.DirectFloats;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.RingCommunicator;
import io.ringtrain.allreduce.RingServer;
import io.ringtrain.allreduce.RingTls;
import io.ringtrain.allreduce.process.RankProcesses;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One rank of the all-reduce benchmark. Arguments: {@code rank world smallBufferBytes sizes iters
 * warmup [bindAddress]} (comma-separated lists, one entry per size in bytes; smallBufferBytes -1 keeps the
 * communicator's default; the server listens on loopback unless bindAddress is given); {@code -Dringtrain.bench.buffer=direct} reduces {@link DirectFloats}
 * instead of float arrays, {@code -Dringtrain.bench.connections=K} opens K connections per
 * neighbour, and {@code -Dringtrain.bench.tlsKeyStore} runs the ring over TLS (see
 * {@link #tls()}). For each size: {@code warmup}
 * untimed all-reduces, then {@code iters} timed ones, each after a barrier so that every rank
 * starts together (the protocol of tools/bench/allreduce_gloo.py). Rank 0 prints {@code RESULT
 * bytes medianNanos userNanos systemNanos} per size: the median time, and the CPU its whole JVM
 * spent per timed iteration in user space and in the kernel (barriers included, as for Gloo;
 * -1 where /proc is missing), and on stderr each Java thread's CPU per timed all-reduce.
 */
public final class BenchRankMain {
  public static void main(String[] args) throws Exception {
    int rank = Integer.parseInt(args[0]);
    int world = Integer.parseInt(args[1]);
    int smallBufferBytes = Integer.parseInt(args[2]);
    int[] sizes = ints(args[3]);
    int[] iters = ints(args[4]);
    int[] warmup = ints(args[5]);
    RingTls tls = tls();
    InetAddress bindAddress = args.length > 6 ? InetAddress.getByName(args[6]) : InetAddress.getLoopbackAddress();
    RingServer server = RingServer.bind(bindAddress, 0, Integer.getInteger("ringtrain.bench.ioThreads", RingServer.DEFAULT_IO_THREADS), RingServer.DEFAULT_HANDSHAKE_TIMEOUT, tls);
    System.out.println("PORT " + server.boundPort());
    System.out.flush();
    List<String> peers = RankProcesses.readPeers();
    CommunicatorConfig.Builder builder =
        CommunicatorConfig.builder()
            .setPeers(peers)
            .setRank(rank)
            .setSecret("bench-secret".getBytes(StandardCharsets.US_ASCII));
    if (tls != null) builder.optTls(tls);
    if (smallBufferBytes >= 0) builder.optSmallBufferBytes(smallBufferBytes); // else the default
    Integer segmentBytes = Integer.getInteger("ringtrain.bench.segmentBytes"); // for segment-size scans
    if (segmentBytes != null) builder.optSegmentBytes(segmentBytes);
    builder.optConnectionsPerPeer(Integer.getInteger("ringtrain.bench.connections", 1));
    CommunicatorConfig config = builder.build();
    boolean direct = "direct".equals(System.getProperty("ringtrain.bench.buffer"));
    try (RingCommunicator communicator = RingCommunicator.connect(server, config)) {
      warmUpJit(communicator, rank, direct);
      for (int s = 0; s < sizes.length; s++) {
        Runnable allReduce = allReduce(communicator, sizes[s] / Float.BYTES, direct); // zeros: sums stay zero, no subnormals
        for (int i = 0; i < warmup[s]; i++) allReduce.run();
        long[] nanos = new long[iters[s]];
        long[] cpuBefore = ProcessCpu.userAndSystemNanos();
        Map<Long, Long> threadsBefore = threadCpuNanos();
        for (int i = 0; i < iters[s]; i++) {
          communicator.barrier();
          long start = System.nanoTime();
          allReduce.run();
          nanos[i] = System.nanoTime() - start;
        }
        long[] cpuAfter = ProcessCpu.userAndSystemNanos();
        if (rank == 0) System.err.println("thread cpu(us per all-reduce) " + sizes[s] + ": " + threadCpuPerIteration(threadsBefore, iters[s]));
        long userNanos = cpuBefore == null ? -1 : (cpuAfter[0] - cpuBefore[0]) / iters[s];
        long systemNanos = cpuBefore == null ? -1 : (cpuAfter[1] - cpuBefore[1]) / iters[s];
        if (rank == 0) System.err.println("times(us) " + sizes[s] + ": " + Arrays.toString(Arrays.stream(nanos).map(t -> t / 1000).toArray()));
        Arrays.sort(nanos);
        if (rank == 0) System.out.println("RESULT " + sizes[s] + " " + nanos[nanos.length / 2] + " " + userNanos + " " + systemNanos);
        System.out.flush();
      }
      communicator.barrier();
    }
    System.out.println("DONE");
    System.out.flush();
    System.exit(0);
  }

  /**
   * Runs ring and recursive-doubling all-reduces for {@link #JIT_WARM_UP_MILLIS} before anything
   * is timed, so that C2 has compiled the SIMD kernels and the Netty paths (until then the Vector
   * API runs a slow fallback): the figures are steady-state ones, like Gloo's native code. Rank 0
   * decides when to stop and broadcasts it, so every rank issues the same collectives.
   */
  private static void warmUpJit(RingCommunicator communicator, int rank, boolean direct) {
    Runnable large = allReduce(communicator, (8 << 20) / Float.BYTES, direct);
    Runnable small = allReduce(communicator, (64 << 10) / Float.BYTES, direct);
    long start = System.nanoTime();
    byte[] keepGoing = {1};
    while (keepGoing[0] == 1) {
      large.run();
      for (int i = 0; i < 10; i++) small.run();
      byte[] decision = {(byte) (System.nanoTime() - start < JIT_WARM_UP_MILLIS * 1_000_000L ? 1 : 0)};
      keepGoing = communicator.broadcast(rank == 0 ? decision : new byte[0], 0);
    }
  }

  /**
   * TLS from {@code -Dringtrain.bench.tlsKeyStore=path} (password {@link #TLS_PASSWORD}) with the
   * engine {@code -Dringtrain.bench.tlsEngine=OPENSSL|JDK}; null (plain TCP) without a key store.
   */
  private static RingTls tls() {
    String keyStore = System.getProperty("ringtrain.bench.tlsKeyStore");
    if (keyStore == null) return null;
    RingTls.Engine engine = RingTls.Engine.valueOf(System.getProperty("ringtrain.bench.tlsEngine", RingTls.Engine.preferred().name()));
    return RingTls.fromKeyStore(Path.of(keyStore), TLS_PASSWORD.toCharArray(), engine);
  }

  static final String TLS_PASSWORD = "bench-pass";

  /** CPU nanoseconds of every live Java thread by id (the JIT's and the GC's threads are not among them). */
  private static Map<Long, Long> threadCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> nanos = new HashMap<>();
    for (long id : threads.getAllThreadIds()) nanos.put(id, threads.getThreadCpuTime(id));
    return nanos;
  }

  /** Each Java thread's CPU since {@code before} per iteration, by name, busiest first: where rank 0's process CPU went. */
  private static String threadCpuPerIteration(Map<Long, Long> before, int iterations) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byName = new TreeMap<>();
    for (Map.Entry<Long, Long> now : threadCpuNanos().entrySet()) {
      ThreadInfo info = threads.getThreadInfo(now.getKey());
      if (info == null || now.getValue() < 0) continue;
      long used = now.getValue() - before.getOrDefault(now.getKey(), 0L);
      if (used > 0) byName.merge(info.getThreadName(), used / 1000 / iterations, Long::sum);
    }
    return byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).map(e -> e.getKey() + "=" + e.getValue()).toList().toString();
  }

  /** One all-reduce (SUM) of a buffer of {@code length} zeros, a float array or DirectFloats. */
  private static Runnable allReduce(Communicator communicator, int length, boolean direct) {
    if (direct) {
      DirectFloats buf = DirectFloats.allocate(length);
      return () -> communicator.allReduce(buf, ReduceOp.SUM);
    }
    float[] buf = new float[length];
    return () -> communicator.allReduce(buf, ReduceOp.SUM);
  }

  /**
   * 10 s: with four rank JVMs on two cores each gets half a core, and at 4 s C2 was still compiling
   * through the 64 MiB iterations (W = 4, 64 MiB: 201 ms median after 4 s, 130-137 ms after 12 s).
   */
  private static final long JIT_WARM_UP_MILLIS = Long.getLong("ringtrain.bench.jitWarmUpMillis", 10_000);

  /** Adds {@code -Dproperty=value} to a rank JVM's {@code flags} when this JVM has the property set. */
  static void passOn(List<String> flags, String property) {
    String value = System.getProperty(property);
    if (value != null) flags.add("-D" + property + "=" + value);
  }

  static int[] ints(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
