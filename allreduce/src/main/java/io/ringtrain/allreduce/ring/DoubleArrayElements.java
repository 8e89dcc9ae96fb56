package io.ringtrain.allreduce.ring;

import io.netty.buffer.ByteBuf;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.reduce.ReduceKernel;
import io.ringtrain.allreduce.transport.ElementType;
import java.nio.ByteOrder;

/** A {@code double[]}: as {@link FloatArrayElements}, eight bytes per element. */
public final class DoubleArrayElements implements ElementBuffer {
  private final double[] values;
  private final ReduceKernel kernel;
  private final Scratch scratch;

  DoubleArrayElements(double[] values, Ring ring) {
    this.values = values;
    this.kernel = ring.kernel();
    this.scratch = ring.scratch();
  }

  @Override public ElementType type() { return ElementType.FLOAT64; }
  @Override public int length() { return values.length; }

  @Override
  public ByteBuf encode(CollectiveRun run, int from, int count) {
    int bytes = count * Double.BYTES;
    ByteBuf payload = run.allocate(bytes);
    payload.nioBuffer(0, bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(values, from, count);
    return payload.writerIndex(bytes);
  }

  @Override
  public void reduceFrom(ByteBuf payload, int from, int count, ReduceOp op) {
    double[] received = scratch.doubles();
    payload.nioBuffer(payload.readerIndex(), count * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(received, 0, count);
    kernel.reduce(op, values, from, received, 0, count);
  }

  @Override
  public void copyFrom(ByteBuf payload, int from, int count) {
    payload.nioBuffer(payload.readerIndex(), count * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(values, from, count);
  }

  @Override
  public void divide(int from, int count, int divisor) {
    kernel.divide(values, from, count, (double) divisor);
  }
}
