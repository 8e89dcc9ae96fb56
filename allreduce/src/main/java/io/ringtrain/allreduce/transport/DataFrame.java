package io.ringtrain.allreduce.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One segment of one step of a collective: the header, where it sits in the algorithm (step,
 * segment) and the little-endian payload.
 *
 * <p>Ownership: the frame owns its payload and its reference count is the payload's. Outbound,
 * the sender creates it and passes it to {@code writeAndFlush}; {@link DataFrameEncoder} hands the
 * payload on to the socket, which releases it once written. Inbound, {@link DataFrameDecoder}
 * creates it over a retained slice of the received frame; the collective that takes it from the
 * {@link PeerLink} inbox releases it after copying the payload out.
 */
public final class DataFrame implements ReferenceCounted {
  private final CollectiveHeader header;
  private final int step;
  private final int segment;
  private final ByteBuf payload;
  private final boolean placed;

  public DataFrame(CollectiveHeader header, int step, int segment, ByteBuf payload) {
    this(header, step, segment, payload, false);
  }

  /** {@code placed}: the payload was received straight into the collective's own buffer ({@link PeerLink#post}). */
  public DataFrame(CollectiveHeader header, int step, int segment, ByteBuf payload, boolean placed) {
    this.header = header;
    this.step = step;
    this.segment = segment;
    this.payload = payload;
    this.placed = placed;
  }

  /** Whether the payload already lies where the collective posted it: nothing to copy. */
  public boolean placed() {
    return placed;
  }

  public CollectiveHeader header() {
    return header;
  }

  public int step() {
    return step;
  }

  public int segment() {
    return segment;
  }

  public ByteBuf payload() {
    return payload;
  }

  @Override
  public int refCnt() {
    return payload.refCnt();
  }

  @Override
  public DataFrame retain() {
    payload.retain();
    return this;
  }

  @Override
  public DataFrame retain(int increment) {
    payload.retain(increment);
    return this;
  }

  @Override
  public DataFrame touch() {
    payload.touch();
    return this;
  }

  @Override
  public DataFrame touch(Object hint) {
    payload.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return payload.release();
  }

  @Override
  public boolean release(int decrement) {
    return payload.release(decrement);
  }
}
