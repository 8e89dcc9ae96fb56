package io.ringtrain.allreduce.reduce;

import io.ringtrain.allreduce.ReduceOp;

/** The reference kernel: plain loops a reader can check; the SIMD kernel must match it bit for bit. */
public final class ScalarReduceKernel implements ReduceKernel {
  @Override
  public void reduce(ReduceOp op, float[] dst, int dstOff, float[] src, int srcOff, int n) {
    switch (op) {
      case SUM, AVG -> {
        for (int i = 0; i < n; i++) dst[dstOff + i] = dst[dstOff + i] + src[srcOff + i];
      }
      case MAX -> {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Math.max(dst[dstOff + i], src[srcOff + i]);
      }
      case MIN -> {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Math.min(dst[dstOff + i], src[srcOff + i]);
      }
    }
  }

  @Override
  public void reduce(ReduceOp op, double[] dst, int dstOff, double[] src, int srcOff, int n) {
    switch (op) {
      case SUM, AVG -> {
        for (int i = 0; i < n; i++) dst[dstOff + i] = dst[dstOff + i] + src[srcOff + i];
      }
      case MAX -> {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Math.max(dst[dstOff + i], src[srcOff + i]);
      }
      case MIN -> {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Math.min(dst[dstOff + i], src[srcOff + i]);
      }
    }
  }

  @Override
  public void divide(float[] buf, int off, int n, float divisor) {
    for (int i = 0; i < n; i++) buf[off + i] = buf[off + i] / divisor;
  }

  @Override
  public void divide(double[] buf, int off, int n, double divisor) {
    for (int i = 0; i < n; i++) buf[off + i] = buf[off + i] / divisor;
  }
}
