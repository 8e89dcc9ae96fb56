package io.ringtrain.allreduce.ring;

import io.netty.buffer.ByteBuf;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.reduce.BFloat16;
import io.ringtrain.allreduce.reduce.ReduceKernel;
import io.ringtrain.allreduce.transport.ElementType;
import java.nio.ByteOrder;

/**
 * A {@code float[]} sent as bfloat16 ({@link io.ringtrain.allreduce.Compression#BF16}): half the
 * bytes on the wire, combined in float32. Encoding rounds the sent range in place, so a rank
 * combines the same operands its peer received and results stay bitwise identical on all ranks.
 */
public final class Bf16FloatArrayElements implements ElementBuffer {
  private final float[] values;
  private final ReduceKernel kernel;
  private final Scratch scratch;

  Bf16FloatArrayElements(float[] values, Ring ring) {
    this.values = values;
    this.kernel = ring.kernel();
    this.scratch = ring.scratch();
  }

  @Override public ElementType type() { return ElementType.BFLOAT16; }
  @Override public int length() { return values.length; }

  @Override
  public ByteBuf encode(CollectiveRun run, int from, int count) {
    int bytes = count * Short.BYTES;
    ByteBuf payload = run.allocate(bytes);
    java.nio.ShortBuffer out = payload.nioBuffer(0, bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    short[] wire = scratch.shorts();
    for (int done = 0; done < count; ) {
      int n = Math.min(wire.length, count - done);
      BFloat16.narrow(values, from + done, wire, n);
      out.put(wire, 0, n);
      done += n;
    }
    return payload.writerIndex(bytes);
  }

  @Override
  public void reduceFrom(ByteBuf payload, int from, int count, ReduceOp op) {
    java.nio.ShortBuffer in = payload.nioBuffer(payload.readerIndex(), count * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    short[] wire = scratch.shorts();
    float[] received = scratch.floats();
    for (int done = 0; done < count; ) {
      int n = Math.min(Math.min(wire.length, received.length), count - done);
      in.get(wire, 0, n);
      BFloat16.widen(wire, received, 0, n);
      kernel.reduce(op, values, from + done, received, 0, n);
      done += n;
    }
  }

  @Override
  public void copyFrom(ByteBuf payload, int from, int count) {
    java.nio.ShortBuffer in = payload.nioBuffer(payload.readerIndex(), count * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    short[] wire = scratch.shorts();
    for (int done = 0; done < count; ) {
      int n = Math.min(wire.length, count - done);
      in.get(wire, 0, n);
      BFloat16.widen(wire, values, from + done, n);
      done += n;
    }
  }

  @Override
  public void divide(int from, int count, int divisor) {
    kernel.divide(values, from, count, (float) divisor);
  }

  @Override
  public void roundToWire(int from, int count) {
    for (int i = from; i < from + count; i++) values[i] = BFloat16.round(values[i]);
  }
}
