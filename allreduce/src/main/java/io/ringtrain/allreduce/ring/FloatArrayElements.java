package io.ringtrain.allreduce.ring;

import io.netty.buffer.ByteBuf;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.reduce.NativeFloatKernel;
import io.ringtrain.allreduce.reduce.ReduceKernel;
import io.ringtrain.allreduce.reduce.ReduceKernels;
import io.ringtrain.allreduce.transport.ElementType;
import java.nio.ByteOrder;

/**
 * A {@code float[]}: a received segment in native memory is SIMD-combined straight from it
 * ({@link NativeFloatKernel}); where that kernel is unavailable, it is copied to a scratch array
 * piece by piece first.
 */
public final class FloatArrayElements implements ElementBuffer {
  private final float[] values;
  private final ReduceKernel kernel;
  private final Scratch scratch;

  FloatArrayElements(float[] values, Ring ring) {
    this.values = values;
    this.kernel = ring.kernel();
    this.scratch = ring.scratch();
  }

  @Override public ElementType type() { return ElementType.FLOAT32; }
  @Override public int length() { return values.length; }

  @Override
  public ByteBuf encode(CollectiveRun run, int from, int count) {
    int bytes = count * Float.BYTES;
    ByteBuf payload = run.allocate(bytes);
    payload.nioBuffer(0, bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values, from, count);
    return payload.writerIndex(bytes);
  }

  @Override
  public void reduceFrom(ByteBuf payload, int from, int count, ReduceOp op) {
    if (ReduceKernels.nativeFloats() && payload.isDirect() && payload.nioBufferCount() == 1) {
      NativeFloatKernel.reduce(op, values, from, payload.nioBuffer(payload.readerIndex(), count * Float.BYTES), 0, count);
      return;
    }
    java.nio.FloatBuffer in = payload.nioBuffer(payload.readerIndex(), count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] received = scratch.floats();
    // in pieces that stay in L1: the copy out of the payload then costs no extra trip to memory
    for (int done = 0; done < count; done += Scratch.PIECE) {
      int n = Math.min(Scratch.PIECE, count - done);
      in.get(received, 0, n);
      kernel.reduce(op, values, from + done, received, 0, n);
    }
  }

  @Override
  public void copyFrom(ByteBuf payload, int from, int count) {
    payload.nioBuffer(payload.readerIndex(), count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, from, count);
  }

  @Override
  public void divide(int from, int count, int divisor) {
    kernel.divide(values, from, count, (float) divisor);
  }
}
