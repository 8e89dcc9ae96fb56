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
 * loss, payload bits) during one collective: an all-reduce (ring, recursive doubling, into
 * {@code DirectFloats}), an all-gather or a broadcast of bytes. Per case, every real rank must:
 *
 * <ul>
 *   <li>return or fail within the collective timeout plus slack (no hang);
 *   <li>on failure, name the collective and the cause: the rank that received the corrupt frame
 *       blames rank 2 wherever the damage shows in the frame; where it cannot (a frame lost or
 *       held back, a length claiming bytes that never come) the waiting ranks time out, each
 *       naming the peer it waited for; a rank aborted by another quotes that rank's reason;
 *   <li>on return, hold exactly the correct result, except that a payload bit flip is the sending
 *       peer's own (authenticated) contribution, so at most as many elements may differ as payload
 *       bytes were flipped. Integrity against the network is TLS's job, not the ring's.
 * </ul>
 *
 * and after all cases the JVM's threads, descriptors and direct memory are back near where they
 * were. Seeds are fixed: {@code -Dfuzz.cases} (default 150) cases from {@code -Dfuzz.seed}
 * (default 24); a soak is {@code -Dfuzz.cases=20000}. A case that breaks a rule fails with its
 * seed and mutation, to rerun alone with {@code -Dfuzz.seed=SEED -Dfuzz.cases=1}.
 */
class FrameFuzzIT {
  private static final int CASES = Integer.getInteger("fuzz.cases", 150);
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

  /**
   * What each case runs, the real ranks that receive rank 2's frames (one is picked per case) and
   * how many data frames rank 2 sends each of them, at most.
   */
  private enum Collective {
    RING_FLOATS(2500, new int[] {0}, 8),
    RING_DIRECT_FLOATS(2500, new int[] {0}, 8),
    RECURSIVE_DOUBLING_FLOATS(100, new int[] {1}, 1),
    /** Blocks of 3000, 4000 and 5000 bytes: lengths differ, so counts are not cross-checked, only announced. */
    ALL_GATHER_BYTES(3000, new int[] {0}, 5),
    /** From rank 2, which sends to both others. */
    BROADCAST_BYTES(5000, new int[] {0, 1}, 3);

    final int length;
    final int[] receivers;
    final int framesFromFuzzer;

    Collective(int length, int[] receivers, int framesFromFuzzer) {
      this.length = length;
      this.receivers = receivers;
      this.framesFromFuzzer = framesFromFuzzer;
    }

    /** Runs the collective on {@code rank} with its inputs; returns what it got. */
    Object run(RingCommunicator rank) {
      switch (this) {
        case ALL_GATHER_BYTES:
          return rank.allGather(block(rank.rank()));
        case BROADCAST_BYTES:
          return rank.broadcast(rank.rank() == FUZZER ? block(FUZZER) : null, FUZZER);
        case RING_DIRECT_FLOATS: {
          DirectFloats direct = DirectFloats.allocate(length);
          direct.floats().put(inputs(rank.rank()));
          rank.allReduce(direct, ReduceOp.SUM);
          float[] values = new float[length];
          direct.floats().get(values);
          return values;
        }
        default: {
          float[] values = inputs(rank.rank());
          rank.allReduce(values, ReduceOp.SUM);
          return values;
        }
      }
    }

    /** The correct result (the same on every rank). */
    Object expected() {
      switch (this) {
        case ALL_GATHER_BYTES:
          return List.of(block(0), block(1), block(2));
        case BROADCAST_BYTES:
          return block(FUZZER);
        default: {
          float[] sum = new float[length];
          for (int r = 0; r < WORLD; r++) {
            float[] in = inputs(r);
            for (int i = 0; i < length; i++) sum[i] += in[i];
          }
          return sum;
        }
      }
    }

    /** Small integers, so that every order of summation gives the same float. */
    float[] inputs(int rank) {
      float[] values = new float[length];
      for (int i = 0; i < length; i++) values[i] = ((rank * 7 + i * 3) % 11) - 5;
      return values;
    }

    /** Rank {@code rank}'s bytes: a length of its own, contents from its rank. */
    byte[] block(int rank) {
      byte[] bytes = new byte[this == ALL_GATHER_BYTES ? length + 1000 * rank : length];
      new Random(rank).nextBytes(bytes);
      return bytes;
    }

    /** Elements (floats or bytes) of {@code result} that differ from {@code expected}; a difference in length counts as all. */
    static int differences(Object result, Object expected) {
      if (expected instanceof float[] want) {
        float[] got = (float[]) result;
        int differing = 0;
        for (int i = 0; i < want.length; i++) if (Float.compare(got[i], want[i]) != 0) differing++;
        return differing;
      }
      if (expected instanceof byte[] want) return differences(List.of((byte[]) result), List.of(want));
      @SuppressWarnings("unchecked") List<byte[]> got = (List<byte[]>) result;
      @SuppressWarnings("unchecked") List<byte[]> want = (List<byte[]>) expected;
      int differing = 0;
      for (int b = 0; b < want.size(); b++) {
        if (got.get(b).length != want.get(b).length) return Integer.MAX_VALUE;
        for (int i = 0; i < want.get(b).length; i++) if (got.get(b)[i] != want.get(b)[i]) differing++;
      }
      return differing;
    }
  }

  @AfterAll
  static void stopThreads() {
    THREADS.shutdownNow();
  }

  @Test
  void everyRankRejectsCorruptFramesOrReturnsTheCorrectResultWithinTheTimeout() throws Exception {
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
    int receiver = collective.receivers[random.nextInt(collective.receivers.length)];
    String name = "seed " + seed + ": " + collective + " (rank 2 to rank " + receiver + "), " + kind;
    try (ProxiedRing ring = start()) {
      ring.proxy(receiver).mutate(mutation);
      List<Future<Object>> running = new ArrayList<>();
      for (RingCommunicator rank : ring.ranks()) running.add(THREADS.submit(() -> collective.run(rank)));
      long deadline = System.nanoTime() + TIMEOUT.toNanos() + TimeUnit.MILLISECONDS.toNanos(SLACK_MILLIS);
      Object expected = collective.expected();
      long started = System.nanoTime();
      StringBuilder outcomes = new StringBuilder();
      List<String> problems = new ArrayList<>();
      for (int r = 0; r < WORLD; r++) {
        StringBuilder report = outcomes;
        try {
          Object result = running.get(r).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          int differing = Collective.differences(result, expected);
          report.append("\n  rank ").append(r).append(": returned, ").append(differing).append(" elements differ");
          if (differing > mutation.payloadBytesChanged()) {
            problems.add("rank " + r + " accepted a wrong result: " + differing + " elements differ from the correct one, "
                + mutation.payloadBytesChanged() + " payload bytes were flipped");
          }
        } catch (TimeoutException hang) {
          problems.add("rank " + r + " neither returned nor failed within " + (TIMEOUT.toMillis() + SLACK_MILLIS) + " ms");
        } catch (ExecutionException e) {
          String message = String.valueOf(e.getCause().getMessage());
          report.append("\n  rank ").append(r).append(": ").append(message);
          if (!(e.getCause() instanceof CollectiveException)) problems.add("rank " + r + " failed with " + e.getCause());
          else if (!mutation.fired()) problems.add("rank " + r + " failed though no frame was mutated: " + message);
          else problems.addAll(unexplained(r, message, receiver, kind));
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
  private static List<String> unexplained(int rank, String message, int receiver, FrameMutation.Kind kind) {
    List<String> problems = new ArrayList<>();
    if (!message.contains(" #0 (")) problems.add("rank " + rank + " does not name the collective (#0): " + message);
    boolean blamesFuzzer = message.contains("rank " + FUZZER + " (");
    boolean timedOut = message.matches("(?s).*rank \\d+ \\(.*for " + TIMEOUT.toMillis() + " ms.*");
    if (rank == receiver && kind.seenInTheFrame() && !blamesFuzzer) {
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

  @Test
  void aBlockLengthAnnouncedByAPeerIsNotAllocatedBeforeItsBytesCome() throws Exception {
    long announced = 1_500_000_000L;
    try (ProxiedRing ring = start()) {
      ring.proxy(0).mutate(new FrameProxy.FrameMutator() {
        boolean done;

        @Override
        public FrameProxy.Rewrite next(byte[] frame) {
          if (!done && frame[FrameMutation.TYPE_AT] == io.ringtrain.allreduce.transport.WireFormat.DATA) {
            java.nio.ByteBuffer.wrap(frame).putLong(FrameMutation.COUNT_AT, announced); // the first frame of rank 2's block
            done = true;
          }
          return new FrameProxy.Rewrite(List.of(frame), false);
        }
      });
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
      List<Future<Long>> allocated = new ArrayList<>();
      for (RingCommunicator rank : ring.ranks()) {
        allocated.add(THREADS.submit(() -> {
          long before = threads.getCurrentThreadAllocatedBytes(); // a blocking collective runs on the caller's thread
          try {
            Collective.ALL_GATHER_BYTES.run(rank);
          } catch (CollectiveException expected) {
            assertTrue(rank.rank() != 0 || expected.getMessage().contains("rank 2 ("), expected.getMessage());
          }
          return threads.getCurrentThreadAllocatedBytes() - before;
        }));
      }
      long rank0 = allocated.get(0).get(30, TimeUnit.SECONDS);
      assertTrue(rank0 < 64L << 20, "rank 0 allocated " + rank0 + " bytes for a block announced as " + announced + " of which 5000 came");
    }
  }

  @Test
  void theProxyRelaysACleanRingUnchanged() throws Exception {
    try (ProxiedRing ring = start()) {
      for (int r = 0; r < FUZZER; r++) ring.proxy(r).mutate(new FrameMutation(FrameMutation.Kind.DROP, Integer.MAX_VALUE, 0));
      for (Collective collective : Collective.values()) {
        List<Future<Object>> running = new ArrayList<>();
        for (RingCommunicator rank : ring.ranks()) running.add(THREADS.submit(() -> collective.run(rank)));
        for (Future<Object> f : running) assertEquals(0, Collective.differences(f.get(30, TimeUnit.SECONDS), collective.expected()), collective.name());
      }
      assertTrue(ring.proxy(0).recordings().get(0).fromClient().length > 0, "the proxy recorded no handshake");
    }
  }
}
