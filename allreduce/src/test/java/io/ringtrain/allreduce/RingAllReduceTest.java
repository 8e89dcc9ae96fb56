package io.ringtrain.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * All-reduce results over real loopback sockets. Inputs are small integers, so sums of up to 8
 * ranks are exact in float32 and the expected values are exact (no tolerance): any dropped,
 * doubled or misplaced segment shows. Segments are 8 KiB so that the large cases cross many
 * segment boundaries.
 */
class RingAllReduceTest {
  private static final int SEGMENT_BYTES = 8 << 10;
  private static final int LARGE_PRIME = 100_003;

  /** Element i of rank r: an integer in [-8, 8], different per rank and position. */
  static float input(int rank, int i) {
    return ((rank * 7 + i * 3) % 17) - 8;
  }

  static float[] inputs(int rank, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) values[i] = input(rank, i);
    return values;
  }

  static float expected(ReduceOp op, int world, int i) {
    float sum = 0, max = Float.NEGATIVE_INFINITY, min = Float.POSITIVE_INFINITY;
    for (int r = 0; r < world; r++) {
      sum += input(r, i);
      max = Math.max(max, input(r, i));
      min = Math.min(min, input(r, i));
    }
    return switch (op) {
      case SUM -> sum;
      case AVG -> sum / world;
      case MAX -> max;
      case MIN -> min;
    };
  }

  static Stream<Arguments> worldsAndAlgorithms() {
    return IntStream.rangeClosed(1, 8)
        .boxed()
        .flatMap(w -> Stream.of(Arguments.of(w, "ring"), Arguments.of(w, "recursive-doubling")));
  }

  @ParameterizedTest(name = "W={0}, {1}")
  @MethodSource("worldsAndAlgorithms")
  void sumIsExactAndIdenticalOnEveryRankForEdgeLengths(int world, String algorithm) {
    // threshold 0 sends everything but empty buffers through the ring; 8 KiB sends the short
    // lengths through recursive doubling (the prime length is larger and always uses the ring)
    int smallBytes = algorithm.equals("ring") ? 0 : SEGMENT_BYTES;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES).optSmallBufferBytes(smallBytes))) {
      for (int n : new int[] {0, 1, Math.max(0, world - 1), world + 1, LARGE_PRIME}) {
        List<float[][]> results = ring.onEveryRank(c -> {
          float[] buf = inputs(c.rank(), n);
          c.allReduce(buf, ReduceOp.SUM);
          DirectFloats direct = directInputs(c.rank(), n);
          c.allReduce(direct, ReduceOp.SUM);
          return new float[][] {buf, toArray(direct)};
        });
        float[] want = new float[n];
        for (int i = 0; i < n; i++) want[i] = expected(ReduceOp.SUM, world, i);
        for (int r = 0; r < world; r++) {
          assertArrayEquals(want, results.get(r)[0], "float[] rank " + r + ", n=" + n);
          assertArrayEquals(want, results.get(r)[1], "DirectFloats rank " + r + ", n=" + n);
        }
      }
    }
  }

  /**
   * Sends run ahead of receives across step boundaries, each waiting for the segment it carries:
   * lengths whose chunks differ in segment count (one segment against two; more and fewer than
   * RingAllReduce.AHEAD) reduce exactly, for every kind of buffer and for AVG's division of the owned chunk.
   */
  @ParameterizedTest(name = "W={0}")
  @ValueSource(ints = {2, 3, 4, 5})
  void chunksOfDifferentSegmentCountsReduceExactly(int world) {
    int segment = SEGMENT_BYTES / 4;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES).optSmallBufferBytes(0))) {
      for (int n : new int[] {world * segment + 1, world * segment - 1, world * 5 * segment + world - 1}) {
        for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.AVG}) {
          List<float[][]> results = ring.onEveryRank(c -> {
            float[] buf = inputs(c.rank(), n);
            c.allReduce(buf, op);
            DirectFloats direct = directInputs(c.rank(), n);
            c.allReduce(direct, op);
            return new float[][] {buf, toArray(direct)};
          });
          float[] want = new float[n];
          for (int i = 0; i < n; i++) want[i] = expected(op, world, i);
          for (int r = 0; r < world; r++) {
            assertArrayEquals(want, results.get(r)[0], op + " float[] rank " + r + ", n=" + n);
            assertArrayEquals(want, results.get(r)[1], op + " DirectFloats rank " + r + ", n=" + n);
          }
        }
      }
    }
  }

  static DirectFloats directInputs(int rank, int n) {
    DirectFloats values = DirectFloats.allocate(n);
    values.floats().put(0, inputs(rank, n));
    return values;
  }

  static float[] toArray(DirectFloats values) {
    float[] copy = new float[values.length()];
    values.floats().get(0, copy);
    return copy;
  }

  static Stream<Arguments> opsAndSizes() {
    List<Arguments> cases = new ArrayList<>();
    for (int world : new int[] {3, 4}) {
      for (ReduceOp op : ReduceOp.values()) {
        for (int n : new int[] {37, 20_011}) cases.add(Arguments.of(world, op, n));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "W={0} {1} n={2}")
  @MethodSource("opsAndSizes")
  void everyOpOnFloatDoubleAndDirectBuffers(int world, ReduceOp op, int n) {
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES).optSmallBufferBytes(1024))) {
      List<Object[]> results = ring.onEveryRank(c -> {
        float[] floats = inputs(c.rank(), n);
        double[] doubles = new double[n];
        FloatBuffer direct = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < n; i++) {
          doubles[i] = input(c.rank(), i);
          direct.put(i, input(c.rank(), i));
        }
        c.allReduce(floats, op);
        c.allReduce(doubles, op);
        c.allReduce(direct, op);
        DirectFloats ownMemory = directInputs(c.rank(), n);
        c.allReduce(ownMemory, op);
        return new Object[] {floats, doubles, direct, toArray(ownMemory)};
      });
      for (int r = 0; r < world; r++) {
        float[] floats = (float[]) results.get(r)[0];
        double[] doubles = (double[]) results.get(r)[1];
        FloatBuffer direct = (FloatBuffer) results.get(r)[2];
        for (int i = 0; i < n; i++) {
          float want = expected(op, world, i);
          assertEquals(want, floats[i], 0f, "float[] rank " + r + " element " + i);
          assertEquals(direct.get(i), floats[i], 0f, "direct buffer rank " + r + " element " + i);
          assertEquals(((float[]) results.get(r)[3])[i], floats[i], 0f, "DirectFloats rank " + r + " element " + i);
          // AVG in double divides the exact integer sum once: compare with that, not the float
          double wantDouble = op == ReduceOp.AVG ? (double) (want * world) / world : want;
          assertEquals(wantDouble, doubles[i], 0d, "double[] rank " + r + " element " + i);
        }
      }
    }
  }

  @Test
  void aFloatBufferIsReducedBetweenItsPositionAndLimitOnly() {
    int world = 3;
    int n = 5000;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES))) {
      List<FloatBuffer> results = ring.onEveryRank(c -> {
        FloatBuffer direct = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < n; i++) direct.put(i, input(c.rank(), i));
        direct.position(3).limit(n - 2);
        c.allReduce(direct, ReduceOp.SUM);
        assertEquals(3, direct.position(), "the caller's position is left alone");
        return direct;
      });
      for (int r = 0; r < world; r++) {
        FloatBuffer got = results.get(r);
        assertEquals(n - 2, got.limit(), "the caller's limit is left alone");
        got.limit(n);
        for (int i = 0; i < n; i++) {
          float want = i >= 3 && i < n - 2 ? expected(ReduceOp.SUM, world, i) : input(r, i);
          assertEquals(want, got.get(i), 0f, "rank " + r + " element " + i);
        }
      }
    }
  }

  @Test
  void randomFloatsGiveBitwiseIdenticalResultsOnEveryRankAndOnEveryRun() {
    int world = 5;
    int n = 50_000;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES))) {
      List<float[][]> runs = ring.onEveryRank(c -> {
        float[] input = new float[n];
        Random random = new Random(c.rank());
        for (int i = 0; i < n; i++) input[i] = (float) random.nextGaussian();
        float[] first = input.clone();
        float[] second = input.clone();
        c.allReduce(first, ReduceOp.SUM);
        c.allReduce(second, ReduceOp.SUM);
        return new float[][] {first, second};
      });
      double[] reference = new double[n];
      for (int r = 0; r < world; r++) {
        Random random = new Random(r);
        for (int i = 0; i < n; i++) reference[i] += (float) random.nextGaussian();
      }
      for (int r = 0; r < world; r++) {
        assertArrayEquals(runs.get(0)[0], runs.get(r)[0], "rank " + r + " differs from rank 0");
        assertArrayEquals(runs.get(r)[0], runs.get(r)[1], "rank " + r + " differs between two runs");
      }
      // float32 summation of 5 values of magnitude ~1 is within 5 ulp(8) ~ 5e-6 of the exact sum
      for (int i = 0; i < n; i++) assertEquals(reference[i], runs.get(0)[0][i], 5e-6, "element " + i);
    }
  }

  @Test
  void a64MiBBufferIsReducedExactly() {
    int world = 4;
    int n = (64 << 20) / Float.BYTES;
    try (LoopbackRing ring = LoopbackRing.start(world)) {
      List<float[]> results = ring.onEveryRank(c -> {
        float[] buf = inputs(c.rank(), n);
        c.allReduce(buf, ReduceOp.SUM);
        return buf;
      });
      for (int r = 0; r < world; r++) {
        float[] got = results.get(r);
        for (int i = 0; i < n; i++) {
          if (got[i] != expected(ReduceOp.SUM, world, i)) {
            throw new AssertionError("rank " + r + " element " + i + ": " + got[i] + " != " + expected(ReduceOp.SUM, world, i));
          }
        }
      }
    }
  }

  /**
   * The ring sends DirectFloats from their own memory. Each rank overwrites its buffer with NaN
   * the moment a collective returns and starts the next one: a frame still waiting to be written
   * would carry NaN to its peer, whose result would then be wrong.
   */
  @Test
  void directFloatsMayBeOverwrittenAsSoonAsTheirAllReduceReturns() {
    int world = 4;
    int n = 50_021; // 49 segments of 8 KiB
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES).optSmallBufferBytes(0))) {
      List<List<float[]>> results = ring.onEveryRank(c -> {
        List<float[]> rounds = new ArrayList<>();
        DirectFloats buf = DirectFloats.allocate(n);
        for (int k = 0; k < 8; k++) {
          buf.floats().put(0, inputs(c.rank() + k, n));
          if (k % 2 == 0) c.allReduce(buf, ReduceOp.SUM);
          else c.allReduceAsync(buf, ReduceOp.SUM).join();
          rounds.add(toArray(buf));
          FloatBuffer values = buf.floats();
          for (int i = 0; i < n; i++) values.put(i, Float.NaN);
        }
        return rounds;
      });
      for (int r = 0; r < world; r++) {
        for (int k = 0; k < 8; k++) {
          float[] got = results.get(r).get(k);
          for (int i = 0; i < n; i++) {
            float want = 0;
            for (int q = 0; q < world; q++) want += input(q + k, i);
            assertEquals(want, got[i], 0f, "rank " + r + " round " + k + " element " + i);
          }
        }
      }
    }
  }

  /**
   * Without TLS the all-gather of a DirectFloats all-reduce is read straight into the buffer: every
   * one of its segments, after a first collective (whose frames may share a read with the
   * handshake). Results stay exact with the received memory forwarded on from the buffer itself.
   */
  @Test
  void directFloatsReceiveTheirAllGatherInPlace() {
    int world = 4;
    int n = 50_021; // chunks of 12,505-12,506 floats: 7 segments of 8 KiB each
    int segmentsPerRound = (world - 1) * 7;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES).optSmallBufferBytes(0))) {
      List<long[]> placed = ring.onEveryRank(c -> {
        DirectFloats buf = DirectFloats.allocate(n);
        c.allReduce(buf, ReduceOp.SUM);
        long before = c.segmentsReceivedInPlace();
        for (int k = 0; k < 3; k++) {
          buf.floats().put(0, inputs(c.rank() + k, n));
          c.allReduce(buf, ReduceOp.SUM);
          float[] got = toArray(buf);
          for (int i = 0; i < n; i++) {
            float want = 0;
            for (int q = 0; q < world; q++) want += input(q + k, i);
            assertEquals(want, got[i], 0f, "rank " + c.rank() + " round " + k + " element " + i);
          }
        }
        return new long[] {c.segmentsReceivedInPlace() - before};
      });
      for (int r = 0; r < world; r++) assertEquals(3L * segmentsPerRound, placed.get(r)[0], "segments received in place on rank " + r);
    }
  }

  @Test
  void directFloatsRejectANegativeLength() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> DirectFloats.allocate(-1));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void severalAsyncAllReducesInFlightCompleteInIssueOrder() {
    int world = 3;
    int inFlight = 6;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES))) {
      List<List<float[]>> results = ring.onEveryRank(c -> {
        List<float[]> buffers = new ArrayList<>();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int k = 0; k < inFlight; k++) {
          // alternate small (recursive doubling) and large (ring) buffers
          float[] buf = inputs(c.rank() + k, k % 2 == 0 ? 10 : 30_000);
          buffers.add(buf);
          futures.add(c.allReduceAsync(buf, ReduceOp.SUM));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        return buffers;
      });
      for (int r = 0; r < world; r++) {
        for (int k = 0; k < inFlight; k++) {
          float[] got = results.get(r).get(k);
          for (int i = 0; i < got.length; i++) {
            float want = 0;
            for (int q = 0; q < world; q++) want += input(q + k, i);
            assertEquals(want, got[i], 0f, "rank " + r + " collective " + k + " element " + i);
          }
        }
      }
    }
  }
}
