package io.ringtrain.allreduce.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringtrain.allreduce.ReduceOp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernel must give the scalar reference's bits exactly (tolerance zero): both do one
 * IEEE operation per element. Lengths that are not a multiple of the vector width exercise the
 * tail; special values (±0, ±∞, NaN, subnormals) exercise MAX/MIN semantics.
 */
class VectorReduceKernelTest {
  private static final float[] SPECIAL_FLOATS = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, -Float.MAX_VALUE};
  private final ReduceKernel simd = new VectorReduceKernel();
  private final ReduceKernel scalar = new ScalarReduceKernel();

  @Test
  void floatKernelsMatchTheScalarReferenceBitForBit() {
    Random random = new Random(42);
    for (int n : new int[] {0, 1, 7, 8, 17, 1000, 4099}) {
      float[] a = gaussiansWithSpecials(random, n + 3, 11);
      float[] b = gaussiansWithSpecials(random, n + 5, 13);
      for (ReduceOp op : ReduceOp.values()) {
        float[] viaSimd = a.clone();
        float[] viaScalar = a.clone();
        simd.reduce(op, viaSimd, 3, b, 5, n);
        scalar.reduce(op, viaScalar, 3, b, 5, n);
        assertBitsEqual(viaScalar, viaSimd, op + " n=" + n);
      }
      float[] viaSimd = a.clone();
      float[] viaScalar = a.clone();
      simd.divide(viaSimd, 3, n, 7f);
      scalar.divide(viaScalar, 3, n, 7f);
      assertBitsEqual(viaScalar, viaSimd, "divide n=" + n);
    }
  }

  @Test
  void doubleKernelsMatchTheScalarReferenceBitForBit() {
    Random random = new Random(43);
    for (int n : new int[] {0, 3, 4, 1001}) {
      double[] a = random.doubles(n + 1).toArray();
      double[] b = random.doubles(n + 2).toArray();
      for (ReduceOp op : ReduceOp.values()) {
        double[] viaSimd = a.clone();
        double[] viaScalar = a.clone();
        simd.reduce(op, viaSimd, 1, b, 2, n);
        scalar.reduce(op, viaScalar, 1, b, 2, n);
        assertArrayEquals(viaScalar, viaSimd, op + " n=" + n);
      }
    }
  }

  @Test
  void theScalarReferenceComputesTheDefinitions() {
    float[] dst = {1f, 5f, -2f};
    float[] src = {2f, 3f, -4f};
    float[] sum = dst.clone();
    scalar.reduce(ReduceOp.SUM, sum, 0, src, 0, 3);
    assertArrayEquals(new float[] {3f, 8f, -6f}, sum);
    float[] max = dst.clone();
    scalar.reduce(ReduceOp.MAX, max, 0, src, 0, 3);
    assertArrayEquals(new float[] {2f, 5f, -2f}, max);
    float[] min = dst.clone();
    scalar.reduce(ReduceOp.MIN, min, 0, src, 0, 3);
    assertArrayEquals(new float[] {1f, 3f, -4f}, min);
    assertEquals(VectorReduceKernel.class, ReduceKernels.preferred().getClass(), "tests run with jdk.incubator.vector");
  }

  /** Gaussian floats with a special value (±0, ±∞, NaN, subnormal, -max) at every {@code every}-th element. */
  static float[] gaussiansWithSpecials(Random random, int length, int every) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) values[i] = i % every == 0 ? SPECIAL_FLOATS[i % SPECIAL_FLOATS.length] : (float) random.nextGaussian();
    return values;
  }

  private static void assertBitsEqual(float[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + " element " + i + ": " + expected[i] + " vs " + actual[i]);
    }
  }
}
