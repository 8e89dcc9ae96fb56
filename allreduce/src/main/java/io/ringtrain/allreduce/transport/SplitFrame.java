package io.ringtrain.allreduce.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;

/**
 * A frame read as its header then its payload, in separate buffers ({@link SizedFrameDecoder}
 * with a {@link PayloadPlacer}); {@code placed} when the payload buffer is a view of the
 * collective's own memory. Releasing it releases both buffers.
 */
final class SplitFrame extends AbstractReferenceCounted {
  private final ByteBuf header;
  private final ByteBuf payload;
  private final boolean placed;

  SplitFrame(ByteBuf header, ByteBuf payload, boolean placed) {
    this.header = header;
    this.payload = payload;
    this.placed = placed;
  }

  ByteBuf header() {
    return header;
  }

  ByteBuf payload() {
    return payload;
  }

  boolean placed() {
    return placed;
  }

  @Override
  protected void deallocate() {
    header.release();
    payload.release();
  }

  @Override
  public SplitFrame touch(Object hint) {
    header.touch(hint);
    payload.touch(hint);
    return this;
  }
}
