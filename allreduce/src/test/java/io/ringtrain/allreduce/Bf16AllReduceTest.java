package io.ringtrain.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.allreduce.reduce.BFloat16;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** All-reduce with bfloat16 on the wire ({@link Compression#BF16}), over real loopback sockets. */
class Bf16AllReduceTest {
  private static final int SEGMENT_BYTES = 8 << 10;

  static Stream<Arguments> worldsAndAlgorithms() {
    return IntStream.rangeClosed(1, 5).boxed().flatMap(w -> Stream.of(Arguments.of(w, "ring"), Arguments.of(w, "recursive-doubling")));
  }

  /**
   * Small integers are bfloat16 values and their sums (|sum| ≤ 40 < 256) are too, so the
   * compressed result must be exact: any dropped or misplaced segment shows.
   */
  @ParameterizedTest(name = "W={0}, {1}")
  @MethodSource("worldsAndAlgorithms")
  void smallIntegerSumsAreExactForEdgeLengths(int world, String algorithm) {
    int smallBytes = algorithm.equals("ring") ? 0 : SEGMENT_BYTES;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES).optSmallBufferBytes(smallBytes))) {
      for (int n : new int[] {0, 1, Math.max(0, world - 1), world + 1, 20_011}) {
        List<float[]> results = ring.onEveryRank(c -> {
          float[] buf = RingAllReduceTest.inputs(c.rank(), n);
          c.allReduceAsync(buf, ReduceOp.SUM, Compression.BF16).join();
          return buf;
        });
        float[] want = new float[n];
        for (int i = 0; i < n; i++) want[i] = RingAllReduceTest.expected(ReduceOp.SUM, world, i);
        for (int r = 0; r < world; r++) assertArrayEquals(want, results.get(r), "rank " + r + ", n=" + n);
      }
    }
  }

  /**
   * Random floats: every rank holds the same bits, every value is a bfloat16, and the error
   * against the exact sum stays within the rounding bound: each of at most W + 1 roundings (the
   * inputs, W − 1 partial sums, the result) costs at most half a bfloat16 ulp, u = 2^-8 relative (8 significant bits), of
   * a value no larger than Σ|x_r|.
   */
  @ParameterizedTest(name = "W={0}, {1}")
  @MethodSource("worldsAndAlgorithms")
  void randomFloatsAreIdenticalOnEveryRankAndWithinTheRoundingBound(int world, String algorithm) {
    int n = algorithm.equals("ring") ? 30_001 : 1_000;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES).optSmallBufferBytes(SEGMENT_BYTES))) {
      for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.AVG, ReduceOp.MAX}) {
        List<float[]> results = ring.onEveryRank(c -> {
          float[] buf = gaussians(c.rank(), n);
          c.allReduceAsync(buf, op, Compression.BF16).join();
          return buf;
        });
        for (int r = 1; r < world; r++) assertArrayEquals(results.get(0), results.get(r), op + ": rank " + r + " differs from rank 0");
        double[] sum = new double[n], sumAbs = new double[n], max = new double[n];
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int r = 0; r < world; r++) {
          float[] x = gaussians(r, n);
          for (int i = 0; i < n; i++) {
            sum[i] += x[i];
            sumAbs[i] += Math.abs(x[i]);
            max[i] = Math.max(max[i], x[i]);
          }
        }
        for (int i = 0; i < n; i++) {
          float got = results.get(0)[i];
          assertEquals(BFloat16.round(got), got, 0f, op + ": element " + i + " is not a bfloat16 value");
          double want = op == ReduceOp.SUM ? sum[i] : op == ReduceOp.AVG ? sum[i] / world : max[i];
          double bound = (world + 1) * 0x1p-8 * (op == ReduceOp.AVG ? sumAbs[i] / world : sumAbs[i]);
          assertEquals(want, got, bound, op + ": element " + i);
        }
      }
    }
  }

  @Test
  void aRankSendingFloat32WhileItsPeerSendsBfloat16FailsBothNamingTheTypes() {
    try (LoopbackRing ring = LoopbackRing.start(2, b -> b.optSegmentBytes(SEGMENT_BYTES))) {
      List<Throwable> failures = ring.failuresOnEveryRank(c -> {
        float[] buf = new float[5000];
        return c.allReduceAsync(buf, ReduceOp.SUM, c.rank() == 0 ? Compression.BF16 : Compression.NONE).join();
      });
      for (Throwable failure : failures) {
        assertNotNull(failure, "a rank returned normally from a mismatched collective");
        String message = String.valueOf(failure.getMessage()) + (failure.getCause() == null ? "" : failure.getCause().getMessage());
        assertTrue(message.contains("bfloat16") && message.contains("float32"), "the error names both element types: " + message);
      }
    }
  }

  @Test
  void aWorldOfOneRoundsLikeAnyOther() {
    float[] buf = gaussians(0, 100);
    float[] want = buf.clone();
    for (int i = 0; i < want.length; i++) want[i] = BFloat16.round(want[i]);
    new LocalCommunicator().allReduceAsync(buf, ReduceOp.SUM, Compression.BF16).join();
    assertArrayEquals(want, buf);
  }

  private static float[] gaussians(int rank, int n) {
    Random random = new Random(100 + rank);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
    return x;
  }
}
