package io.ringtrain.allreduce.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ringtrain.allreduce.DirectFloats;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.reduce.NativeFloatKernel;
import io.ringtrain.allreduce.reduce.ReduceKernels;
import java.nio.ByteBuffer;

/**
 * A {@link DirectFloats}: combined and overwritten as any direct {@link java.nio.FloatBuffer}, but
 * the ring sends views of its memory instead of copies ({@link #view}), and a received segment in
 * native memory is combined straight into it ({@link NativeFloatKernel}, where this JDK allows),
 * and the all-gather receives segments straight into it ({@link #wireMemory}).
 * Wrapping does not take ownership: releasing the view leaves the memory to the caller.
 */
final class DirectFloatsElements extends FloatBufferElements {
  private final ByteBuffer bytes;

  DirectFloatsElements(DirectFloats values, Ring ring) {
    super(values.floats(), ring);
    this.bytes = values.bytes();
  }

  @Override
  public ByteBuf view(CollectiveRun run, int from, int count) {
    return Unpooled.wrappedBuffer(bytes.slice(from * Float.BYTES, count * Float.BYTES));
  }

  @Override
  public ByteBuffer wireMemory(int from, int count) {
    return bytes.slice(from * Float.BYTES, count * Float.BYTES);
  }

  @Override
  public void reduceFrom(ByteBuf payload, int from, int count, ReduceOp op) {
    if (!ReduceKernels.nativeFloats() || !payload.isDirect() || payload.nioBufferCount() != 1) {
      super.reduceFrom(payload, from, count, op); // through the scratch arrays
      return;
    }
    NativeFloatKernel.reduce(op, bytes, from * Float.BYTES, payload.nioBuffer(payload.readerIndex(), count * Float.BYTES), 0, count);
  }

  @Override
  public boolean viewsAlias() {
    return true;
  }
}
