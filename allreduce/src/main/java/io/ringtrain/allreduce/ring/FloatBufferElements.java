package io.ringtrain.allreduce.ring;

import io.netty.buffer.ByteBuf;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.reduce.ReduceKernel;
import io.ringtrain.allreduce.transport.ElementType;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A {@link FloatBuffer} (direct or heap) between its position and limit. Combining goes through
 * two scratch arrays (local piece and received piece) so the same SIMD kernel serves.
 */
public class FloatBufferElements implements ElementBuffer {
  private final FloatBuffer values; // a duplicate: position 0 is the caller's position
  private final ReduceKernel kernel;
  private final Scratch scratch;

  FloatBufferElements(FloatBuffer callerBuffer, Ring ring) {
    this.values = callerBuffer.slice();
    this.kernel = ring.kernel();
    this.scratch = ring.scratch();
  }

  @Override public ElementType type() { return ElementType.FLOAT32; }
  @Override public int length() { return values.remaining(); }

  @Override
  public ByteBuf encode(CollectiveRun run, int from, int count) {
    int bytes = count * Float.BYTES;
    ByteBuf payload = run.allocate(bytes);
    payload.nioBuffer(0, bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values.slice(from, count));
    return payload.writerIndex(bytes);
  }

  @Override
  public void reduceFrom(ByteBuf payload, int from, int count, ReduceOp op) {
    FloatBuffer in = payload.nioBuffer(payload.readerIndex(), count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] received = scratch.floats();
    float[] local = scratch.moreFloats();
    // in pieces that stay in L1, as FloatArrayElements: each element crosses memory once each way
    for (int done = 0; done < count; done += Scratch.PIECE) {
      int n = Math.min(Scratch.PIECE, count - done);
      in.get(received, 0, n);
      values.get(from + done, local, 0, n);
      kernel.reduce(op, local, 0, received, 0, n);
      values.put(from + done, local, 0, n);
    }
  }

  @Override
  public void copyFrom(ByteBuf payload, int from, int count) {
    values.slice(from, count).put(payload.nioBuffer(payload.readerIndex(), count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
  }

  @Override
  public void divide(int from, int count, int divisor) {
    float[] local = scratch.moreFloats();
    for (int done = 0; done < count; ) {
      int n = Math.min(local.length, count - done);
      values.get(from + done, local, 0, n);
      kernel.divide(local, 0, n, (float) divisor);
      values.put(from + done, local, 0, n);
      done += n;
    }
  }
}
