package io.ringtrain.allreduce.reduce;

import io.ringtrain.allreduce.ReduceOp;

/**
 * Element-wise combination of a received segment into the local one:
 * {@code dst[dstOff + i] = op(dst[dstOff + i], src[srcOff + i])} for {@code 0 <= i < n}.
 *
 * <p>AVG combines as SUM; the division by W happens once, in {@link #divide}. Each element is one
 * IEEE operation on the same two operands whatever the implementation, so the SIMD kernel and
 * the scalar reference give identical bits (no reassociation across elements).
 */
public interface ReduceKernel {
  void reduce(ReduceOp op, float[] dst, int dstOff, float[] src, int srcOff, int n);

  void reduce(ReduceOp op, double[] dst, int dstOff, double[] src, int srcOff, int n);

  /** {@code buf[off + i] /= divisor}: the last step of AVG. */
  void divide(float[] buf, int off, int n, float divisor);

  void divide(double[] buf, int off, int n, double divisor);
}
