package io.ringtrain.allreduce.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ringtrain.allreduce.DirectFloats;
import java.nio.ByteBuffer;

/**
 * A {@link DirectFloats}: combined and overwritten as any direct {@link java.nio.FloatBuffer}, but
 * the ring sends views of its memory instead of copies ({@link #view}). Wrapping does not take
 * ownership: releasing the view leaves the memory to the caller.
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
  public boolean viewsAlias() {
    return true;
  }
}
