package io.ringtrain.allreduce.ring;

import io.netty.buffer.ByteBuf;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.transport.ElementType;
import java.nio.ByteBuffer;

/**
 * The caller's buffer as the algorithms see it: ranges of elements that are written into frames,
 * combined with received frames, or overwritten by them. Payloads are little-endian.
 */
public interface ElementBuffer {
  ElementType type();

  int length();

  /**
   * A new payload holding elements {@code [from, from + count)}; the caller owns it. A buffer sent
   * in a narrower type also rounds those elements in place, so both sides combine the same values.
   */
  ByteBuf encode(CollectiveRun run, int from, int count);

  /**
   * Elements {@code [from, from + count)} as a payload for the ring, which changes none of them
   * until that frame has been written: a buffer in native memory hands out a view of its own
   * memory ({@link #viewsAlias()}), any other one {@link #encode}s a copy.
   */
  default ByteBuf view(CollectiveRun run, int from, int count) {
    return encode(run, from, count);
  }

  /**
   * True when {@link #view} hands out the caller's memory: the collective then waits until its
   * frames are written before it completes, so that the caller may change the buffer at once.
   */
  default boolean viewsAlias() {
    return false;
  }

  /** {@code this[from + i] = op(this[from + i], payload[i])}; does not release the payload. */
  void reduceFrom(ByteBuf payload, int from, int count, ReduceOp op);

  /**
   * The memory of elements {@code [from, from + count)} in the wire's layout, where a received
   * payload may be written directly instead of being {@link #copyFrom copied}; null when the buffer
   * is not kept that way (only {@link io.ringtrain.allreduce.DirectFloats} is).
   */
  default ByteBuffer wireMemory(int from, int count) {
    return null;
  }

  /** {@code this[from + i] = payload[i]}; does not release the payload. */
  void copyFrom(ByteBuf payload, int from, int count);

  /** {@code this[from + i] /= divisor}: the last step of AVG. */
  void divide(int from, int count, int divisor);

  /**
   * Rounds {@code [from, from + count)} to what the wire carries, so a rank's own copy of a result
   * equals the copies its peers receive. A no-op unless the wire is narrower than the buffer.
   */
  default void roundToWire(int from, int count) {}
}
