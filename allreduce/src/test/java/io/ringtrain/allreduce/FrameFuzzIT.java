package io.ringtrain.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An authenticated peer that sends corrupt frames. Each case builds a live ring of three real
 * ranks in which rank 2 reaches ranks 0 and 1 through a {@link FrameProxy}; the handshake passes
 * unchanged (rank 2 proves the secret), then one of rank 2's data frames is mutated ({@link
 * FrameMutation}: bit flips, lengths, truncation, every header field, duplication, reordering,
 * loss, payload bits) during one all-reduce. Per case, every real rank must:
 *
 * <ul>
 *   <li>return or fail within the collective timeout plus slack (no hang);
 *   <li>on failure, say why in a message that names rank 2, the peer whose frames were bad (a rank
 *       aborted by another quotes that rank's reason);
 *   <li>on return, hold exactly the sum of what was sent: the exact sum, except that a payload
 *       bit flip is the sending peer's own (authenticated) contribution, so at most as many
 *       elements may differ as payload bytes were flipped. Integrity against the network is TLS's
 *       job, not the ring's.
 * </ul>
 *
 * and after all cases the JVM's threads, descriptors and direct memory are back near where they
 * were. Seeds are fixed: {@code -Dfuzz.cases} (default 40) cases from {@code -Dfuzz.seed}
 * (default 24); a soak is {@code -Dfuzz.cases=20000}. A case that breaks a rule fails with its
 * seed and mutation, to rerun alone with {@code -Dfuzz.seed=SEED -Dfuzz.cases=1}.
 */
class FrameFuzzIT {
  private static final int CASES = Integer.getInteger("fuzz.cases", 40);
  private static final long FIRST_SEED = Long.getLong("fuzz.seed", 24);
  /** Short, so that cases where a frame never comes end soon; a loaded 2-core machine still answers well within it. */
  private static final Duration TIMEOUT = Duration.ofMillis(Long.getLong("fuzz.timeoutMillis", 2000));
  private static final long SLACK_MILLIS = 3000;
  private static final int WORLD = 3;
  private static final int FUZZER = 2;
  private static final int SEGMENT_BYTES = 2048;
  private static final int SMALL_BUFFER_BYTES = 1024;
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fuzz-rank");
    t.setDaemon(true);
    return t;
  });

  /** What each case all-reduces (SUM); the ring's frames from rank 2 go to rank 0, recursive doubling's to rank 1. */
  private enum Collective {
    RING_FLOATS(2500, 0, 8),
    RING_DIRECT_FLOATS(2500, 0, 8),
    RECURSIVE_DOUBLING_FLOATS(100, 1, 1);

    final int length;
    final int receiver; // the real rank that gets rank 2's frames
    final int framesFromFuzzer;

    Collective(int length, int receiver, int framesFromFuzzer) {
      this.length = length;
      this.receiver = receiver;
      this.framesFromFuzzer = framesFromFuzzer;
    }
  }

  @AfterAll
  static void stopThreads() {
    THREADS.shutdownNow();
  }

  @Test
  void everyRankRejectsCorruptFramesOrReturnsTheExactSumWithinTheTimeout() throws Exception {
    JvmFootprint warm = null;
    for (int i = 0; i < CASES; i++) {
      runCase(FIRST_SEED + i);
      if (i == 0) warm = JvmFootprint.settled(null); // classes loaded, pools and caches warm
    }
    JvmFootprint after = JvmFootprint.settled(warm);
    System.out.println("fuzz: " + CASES + " cases; footprint after the first " + warm + ", after all " + after);
    after.assertNear(warm);
  }

  private static void runCase(long seed) throws Exception {
    Random random = new Random(seed);
    Collective collective = Collective.values()[random.nextInt(Collective.values().length)];
    FrameMutation.Kind kind = FrameMutation.Kind.values()[random.nextInt(FrameMutation.Kind.values().length)];
    FrameMutation mutation = new FrameMutation(kind, random.nextInt(collective.framesFromFuzzer), random.nextLong());
    String name = "seed " + seed + ": " + collective + ", " + kind;
    try (ProxiedRing ring = start()) {
      ring.proxy(collective.receiver).mutate(mutation);
      List<Future<float[]>> running = new ArrayList<>();
      for (RingCommunicator rank : ring.ranks()) running.add(THREADS.submit(() -> allReduce(rank, collective)));
      long deadline = System.nanoTime() + TIMEOUT.toNanos() + TimeUnit.MILLISECONDS.toNanos(SLACK_MILLIS);
      float[] expected = new float[collective.length];
      for (int r = 0; r < WORLD; r++) for (int i = 0; i < expected.length; i++) expected[i] += input(r, i);
      long started = System.nanoTime();
      StringBuilder outcomes = new StringBuilder();
      List<String> problems = new ArrayList<>();
      for (int r = 0; r < WORLD; r++) {
        StringBuilder report = outcomes;
        try {
          float[] result = running.get(r).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          int differing = 0;
          for (int i = 0; i < expected.length; i++) if (Float.compare(result[i], expected[i]) != 0) differing++;
          report.append("\n  rank ").append(r).append(": returned, ").append(differing).append(" elements differ");
          if (differing > mutation.payloadBytesChanged()) {
            problems.add("rank " + r + " accepted a wrong result: " + differing + " elements differ from the sum, "
                + mutation.payloadBytesChanged() + " payload bytes were flipped");
          }
        } catch (TimeoutException hang) {
          problems.add("rank " + r + " neither returned nor failed within " + (TIMEOUT.toMillis() + SLACK_MILLIS) + " ms");
        } catch (ExecutionException e) {
          String message = String.valueOf(e.getCause().getMessage());
          report.append("\n  rank ").append(r).append(": ").append(message);
          if (!(e.getCause() instanceof CollectiveException)) problems.add("rank " + r + " failed with " + e.getCause());
          else if (!mutation.fired()) problems.add("rank " + r + " failed though no frame was mutated: " + message);
          else problems.addAll(unexplained(r, message, collective, kind));
        }
      }
      String report = name + " (" + mutation.applied() + "), " + (System.nanoTime() - started) / 1_000_000 + " ms" + outcomes;
      System.out.println("fuzz " + report);
      if (!problems.isEmpty()) fail(name + " (rerun: -Dfuzz.seed=" + seed + " -Dfuzz.cases=1): " + problems + "\n" + report);
    }
  }

  /**
   * What a real rank's failure message leaves out: the collective, and the cause with the peer.
   * The rank that receives the mutated frames must blame rank 2 where the damage shows in the
   * frame; where it does not (a frame that never comes), every waiting rank times out naming the
   * peer it waited for, which may be another victim.
   */
  private static List<String> unexplained(int rank, String message, Collective collective, FrameMutation.Kind kind) {
    List<String> problems = new ArrayList<>();
    if (!message.contains("allReduce #0")) problems.add("rank " + rank + " does not name the collective: " + message);
    boolean blamesFuzzer = message.contains("rank " + FUZZER + " (");
    boolean timedOut = message.matches("(?s).*rank \\d+ \\(.*for " + TIMEOUT.toMillis() + " ms.*");
    if (rank == collective.receiver && kind.seenInTheFrame() && !blamesFuzzer) {
      problems.add("rank " + rank + " received the corrupt frame but does not blame rank " + FUZZER + ": " + message);
    } else if (rank != FUZZER && !blamesFuzzer && !timedOut) {
      problems.add("rank " + rank + " names neither rank " + FUZZER + " nor a timeout: " + message);
    }
    return problems;
  }

  /** Three real ranks; rank 2 (the fuzzer) dials ranks 0 and 1 through a proxy each. */
  private static ProxiedRing start() throws IOException, InterruptedException {
    return ProxiedRing.start(WORLD, LoopbackRing.HANDSHAKE_TIMEOUT, THREADS,
        b -> b.optTimeout(TIMEOUT).optSegmentBytes(SEGMENT_BYTES).optSmallBufferBytes(SMALL_BUFFER_BYTES));
  }

  /** Small integers, so that every order of summation gives the same float. */
  private static float input(int rank, int i) {
    return ((rank * 7 + i * 3) % 11) - 5;
  }

  private static float[] allReduce(RingCommunicator rank, Collective collective) {
    float[] values = new float[collective.length];
    for (int i = 0; i < values.length; i++) values[i] = input(rank.rank(), i);
    if (collective != Collective.RING_DIRECT_FLOATS) {
      rank.allReduce(values, ReduceOp.SUM);
      return values;
    }
    DirectFloats direct = DirectFloats.allocate(values.length);
    direct.floats().put(values);
    rank.allReduce(direct, ReduceOp.SUM);
    direct.floats().get(values);
    return values;
  }

  @Test
  void theProxyRelaysACleanRingUnchanged() throws Exception {
    try (ProxiedRing ring = start()) {
      for (int r = 0; r < FUZZER; r++) ring.proxy(r).mutate(new FrameMutation(FrameMutation.Kind.DROP, Integer.MAX_VALUE, 0));
      List<Future<float[]>> running = new ArrayList<>();
      for (RingCommunicator rank : ring.ranks()) running.add(THREADS.submit(() -> allReduce(rank, Collective.RING_FLOATS)));
      for (Future<float[]> f : running) {
        float[] result = f.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < result.length; i++) assertEquals(input(0, i) + input(1, i) + input(2, i), result[i], "element " + i);
      }
      assertTrue(ring.proxy(0).recordings().get(0).fromClient().length > 0, "the proxy recorded no handshake");
    }
  }
}
