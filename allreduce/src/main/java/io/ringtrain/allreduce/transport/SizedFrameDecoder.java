package io.ringtrain.allreduce.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Splits the stream into frames of {@code int length} (big-endian) then {@code length} bytes,
 * handing on each frame without its length field, like {@code LengthFieldBasedFrameDecoder(max,
 * 0, 4, 0, 4)}. The difference is the copying: a frame that lies whole in one read buffer is
 * passed on as a slice of it (no copy); one that spans reads gets a buffer allocated once, at its
 * exact size, as soon as its length is known, and each read is copied into it once. A cumulating
 * decoder instead grows its buffer by reallocating and copying while a large frame (a 256 KiB
 * segment) arrives over several reads. With {@link FrameReadAllocator} (no TLS) the socket reads
 * into the frame's buffer itself, which then arrives here as the message: nothing is copied.
 *
 * <p>With a {@link PayloadPlacer} (also only without TLS) a data frame longer than its header is
 * read in two parts: the header into a small buffer, then the payload where the placer says,
 * which is the collective's own memory when it has posted it there (the all-gather of a {@link
 * io.ringtrain.allreduce.DirectFloats}), else a buffer of its own; the two go on as one {@link
 * SplitFrame}.
 *
 * <p>A length beyond {@code maxFrameBytes} (minus the length field) or below zero fails before
 * anything is allocated, with a message giving the length as sent (signed). Ownership: the
 * incoming read buffers are released here (a slice passed on holds its own reference); each frame
 * passed on belongs to the next handler; a frame still incomplete when the channel closes is released.
 */
public final class SizedFrameDecoder extends ChannelInboundHandlerAdapter {
  private final int maxFrameBytes;
  private final PayloadPlacer placer; // null: frames are read whole
  private int lengthBytesSeen; // of the 4-byte length field of the next frame
  private int length;
  private ByteBuf frame; // being filled, null between frames
  private ByteBuf header; // a split frame's header, kept while its payload is filled (frame)
  private boolean placed; // that payload is the collective's own memory

  public SizedFrameDecoder(int maxFrameBytes) {
    this(maxFrameBytes, null);
  }

  SizedFrameDecoder(int maxFrameBytes, PayloadPlacer placer) {
    this.maxFrameBytes = maxFrameBytes;
    this.placer = placer;
  }

  /**
   * The frame being received, which has room left, or null between frames: {@link
   * FrameReadAllocator} has the socket read straight into it.
   */
  ByteBuf frameToFill() {
    return frame;
  }

  /**
   * Bytes worth reading together with the length field: a data frame's header when payloads are
   * placed (the header then comes in the same read, and the payload's read goes where it belongs).
   */
  int headerBytesAfterLength() {
    return placer == null ? 0 : WireFormat.DATA_HEADER_BYTES;
  }

  /** Bytes of the next frame's length field not received yet (between frames). */
  int lengthBytesMissing() {
    return 4 - lengthBytesSeen;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (in == frame) { // the socket read straight into the frame (see FrameReadAllocator)
      in.release(); // the reference the read held
      if (!frame.isWritable()) filled(ctx);
      return;
    }
    try {
      while (in.isReadable()) {
        if (frame == null) {
          while (lengthBytesSeen < 4 && in.isReadable()) {
            length = (length << 8) | in.readUnsignedByte();
            lengthBytesSeen++;
          }
          if (lengthBytesSeen < 4) return;
          if (length < 0) throw new CorruptedFrameException("frame length " + length + " is negative");
          if (length > maxFrameBytes - 4) {
            throw new TooLongFrameException("frame length " + length + " exceeds the limit of " + (maxFrameBytes - 4) + " bytes");
          }
          if (in.readableBytes() >= length) { // the whole frame is in this read: pass a slice, no copy
            ByteBuf complete = in.readRetainedSlice(length);
            lengthBytesSeen = 0;
            length = 0;
            ctx.fireChannelRead(complete);
            continue;
          }
          if (placer != null && length > WireFormat.DATA_HEADER_BYTES) {
            header = ctx.alloc().directBuffer(WireFormat.DATA_HEADER_BYTES, WireFormat.DATA_HEADER_BYTES);
            frame = header;
          } else {
            frame = ctx.alloc().directBuffer(length, length);
          }
        }
        frame.writeBytes(in, Math.min(in.readableBytes(), frame.writableBytes()));
        if (!frame.isWritable()) filled(ctx);
      }
    } finally {
      in.release();
    }
  }

  /** The buffer being filled is full: a split frame's header (its payload comes next) or a whole frame. */
  private void filled(ChannelHandlerContext ctx) {
    if (frame == header) {
      int payloadBytes = length - WireFormat.DATA_HEADER_BYTES;
      ByteBuf target = placer.placeFor(header, payloadBytes);
      placed = target != null;
      frame = placed ? target : ctx.alloc().directBuffer(payloadBytes, payloadBytes);
      return;
    }
    Object complete = header == null ? frame : new SplitFrame(header, frame, placed);
    frame = null;
    header = null;
    lengthBytesSeen = 0;
    length = 0;
    ctx.fireChannelRead(complete);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePartialFrame();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releasePartialFrame();
    ctx.fireChannelInactive();
  }

  private void releasePartialFrame() {
    if (header != null && header != frame) header.release();
    header = null;
    if (frame != null) {
      frame.release();
      frame = null;
    }
  }
}
