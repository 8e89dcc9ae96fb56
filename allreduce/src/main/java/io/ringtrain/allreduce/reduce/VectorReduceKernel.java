package io.ringtrain.allreduce.reduce;

import io.ringtrain.allreduce.ReduceOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD version of {@link ScalarReduceKernel} (Vector API). Lane-wise ADD, MAX, MIN and DIV are
 * the same IEEE operations as the scalar loop, so results are bitwise equal; the tail that does
 * not fill a vector runs the scalar loop. Only loaded when {@code jdk.incubator.vector} is present.
 */
public final class VectorReduceKernel implements ReduceKernel {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
  private final ScalarReduceKernel tail = new ScalarReduceKernel();

  // One loop per op: C2 only turns Vector API calls into SIMD instructions when the operator is a
  // compile-time constant; a loop over lanewise(variableOp, ...) runs the slow Java fallback.
  @Override
  public void reduce(ReduceOp op, float[] dst, int dstOff, float[] src, int srcOff, int n) {
    int vectorEnd = FLOATS.loopBound(n);
    int step = FLOATS.length();
    switch (op) {
      case SUM, AVG -> {
        for (int i = 0; i < vectorEnd; i += step) {
          FloatVector.fromArray(FLOATS, dst, dstOff + i).add(FloatVector.fromArray(FLOATS, src, srcOff + i)).intoArray(dst, dstOff + i);
        }
      }
      case MAX -> {
        for (int i = 0; i < vectorEnd; i += step) {
          FloatVector.fromArray(FLOATS, dst, dstOff + i).max(FloatVector.fromArray(FLOATS, src, srcOff + i)).intoArray(dst, dstOff + i);
        }
      }
      case MIN -> {
        for (int i = 0; i < vectorEnd; i += step) {
          FloatVector.fromArray(FLOATS, dst, dstOff + i).min(FloatVector.fromArray(FLOATS, src, srcOff + i)).intoArray(dst, dstOff + i);
        }
      }
    }
    tail.reduce(op, dst, dstOff + vectorEnd, src, srcOff + vectorEnd, n - vectorEnd);
  }

  @Override
  public void reduce(ReduceOp op, double[] dst, int dstOff, double[] src, int srcOff, int n) {
    int vectorEnd = DOUBLES.loopBound(n);
    int step = DOUBLES.length();
    switch (op) {
      case SUM, AVG -> {
        for (int i = 0; i < vectorEnd; i += step) {
          DoubleVector.fromArray(DOUBLES, dst, dstOff + i).add(DoubleVector.fromArray(DOUBLES, src, srcOff + i)).intoArray(dst, dstOff + i);
        }
      }
      case MAX -> {
        for (int i = 0; i < vectorEnd; i += step) {
          DoubleVector.fromArray(DOUBLES, dst, dstOff + i).max(DoubleVector.fromArray(DOUBLES, src, srcOff + i)).intoArray(dst, dstOff + i);
        }
      }
      case MIN -> {
        for (int i = 0; i < vectorEnd; i += step) {
          DoubleVector.fromArray(DOUBLES, dst, dstOff + i).min(DoubleVector.fromArray(DOUBLES, src, srcOff + i)).intoArray(dst, dstOff + i);
        }
      }
    }
    tail.reduce(op, dst, dstOff + vectorEnd, src, srcOff + vectorEnd, n - vectorEnd);
  }

  @Override
  public void divide(float[] buf, int off, int n, float divisor) {
    int vectorEnd = FLOATS.loopBound(n);
    for (int i = 0; i < vectorEnd; i += FLOATS.length()) {
      FloatVector.fromArray(FLOATS, buf, off + i).div(divisor).intoArray(buf, off + i);
    }
    tail.divide(buf, off + vectorEnd, n - vectorEnd, divisor);
  }

  @Override
  public void divide(double[] buf, int off, int n, double divisor) {
    int vectorEnd = DOUBLES.loopBound(n);
    for (int i = 0; i < vectorEnd; i += DOUBLES.length()) {
      DoubleVector.fromArray(DOUBLES, buf, off + i).div(divisor).intoArray(buf, off + i);
    }
    tail.divide(buf, off + vectorEnd, n - vectorEnd, divisor);
  }

}
