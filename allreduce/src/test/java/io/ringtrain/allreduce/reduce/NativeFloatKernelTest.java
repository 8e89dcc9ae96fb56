package io.ringtrain.allreduce.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.allreduce.ReduceOp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The native-memory kernel must give the scalar reference's bits exactly, at any byte offset,
 * whatever the buffers' positions and byte order, touching nothing outside the n floats.
 */
class NativeFloatKernelTest {
  private final ReduceKernel scalar = new ScalarReduceKernel();

  @Test
  void linksOnTheJdksWeSupport() {
    // JDK 17-18 through fromByteBuffer, 19+ through fromMemorySegment: if neither binds, the ring
    // silently falls back to the slower array route, so the tests (run on 17 and 25) insist
    assertTrue(NativeFloatKernel.available(), "NativeFloatKernel did not link on Java " + Runtime.version());
    assertTrue(ReduceKernels.nativeFloats());
  }

  @Test
  void matchesTheScalarReferenceBitForBit() {
    forEachCase(44, (op, n, a, b) -> {
      ByteBuffer dst = direct(a);
      ByteBuffer src = direct(b);
      dst.position(2).order(ByteOrder.BIG_ENDIAN); // neither may matter: offsets are absolute, bytes little-endian
      src.position(7);
      NativeFloatKernel.reduce(op, dst, 3 * Float.BYTES, src, 5 * Float.BYTES, n);
      assertEquals(2, dst.position(), "the caller's position is left alone");
      float[] result = new float[a.length];
      dst.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear().asFloatBuffer().get(result);
      return result;
    });
  }

  @Test
  void combinesNativeMemoryIntoAnArrayBitForBit() {
    forEachCase(45, (op, n, a, b) -> {
      float[] result = a.clone();
      ByteBuffer src = direct(b);
      src.position(7).order(ByteOrder.BIG_ENDIAN); // neither may matter: offsets are absolute, bytes little-endian
      NativeFloatKernel.reduce(op, result, 3, src, 5 * Float.BYTES, n);
      return result;
    });
  }

  /** Combines n elements of b (from 5) into a (from 3) and returns all of a afterwards. */
  private interface Combine {
    float[] apply(ReduceOp op, int n, float[] a, float[] b);
  }

  /** Every op and a range of lengths, on values with NaNs, infinities and signed zeros: the scalar kernel's bits. */
  private void forEachCase(long seed, Combine combine) {
    Random random = new Random(seed);
    for (int n : new int[] {0, 1, 7, 8, 17, 1000, 4099}) {
      float[] a = VectorReduceKernelTest.gaussiansWithSpecials(random, n + 3, 11);
      float[] b = VectorReduceKernelTest.gaussiansWithSpecials(random, n + 5, 13);
      for (ReduceOp op : ReduceOp.values()) {
        float[] expected = a.clone();
        scalar.reduce(op, expected, 3, b, 5, n);
        float[] actual = combine.apply(op, n, a.clone(), b);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), op + " n=" + n + " element " + i + ": " + expected[i] + " vs " + actual[i]);
        }
      }
    }
  }

  private static ByteBuffer direct(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i++) buffer.putFloat(i * Float.BYTES, values[i]);
    return buffer;
  }
}
