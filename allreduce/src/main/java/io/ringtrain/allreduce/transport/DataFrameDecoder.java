package io.ringtrain.allreduce.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.ringtrain.allreduce.CollectiveFailure;
import io.ringtrain.allreduce.ReduceOp;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns one length-stripped frame into a {@link DataFrame} or an {@link AbortFrame}. A frame of
 * another generation (a peer of an earlier, restarted ring), with an unknown type or field, or
 * shorter than its header (empty included) is rejected with a {@link CorruptedFrameException}
 * saying what was wrong, which fails the ring with that cause and closes the connection.
 *
 * <p>A frame comes whole (one buffer) or as a {@link SplitFrame} (header and payload read apart,
 * the payload perhaps straight into the collective's memory: the data frame is then {@link
 * DataFrame#placed()}). Ownership: the incoming message is released by {@link
 * MessageToMessageDecoder} after this method; the data frame keeps a retained slice of the payload.
 */
public final class DataFrameDecoder extends MessageToMessageDecoder<Object> {
  private final int generation;

  public DataFrameDecoder(int generation) {
    this.generation = generation;
  }

  @Override
  public boolean acceptInboundMessage(Object msg) {
    return msg instanceof ByteBuf || msg instanceof SplitFrame;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
    if (msg instanceof ByteBuf whole) {
      decode(ctx, whole, whole, false, out);
      return;
    }
    SplitFrame split = (SplitFrame) msg;
    if (split.header().getByte(split.header().readerIndex()) == WireFormat.DATA) {
      decode(ctx, split.header(), split.payload(), split.placed(), out);
    } else { // an abort longer than a data header: its reason was read as a payload
      ByteBuf joined = Unpooled.wrappedBuffer(split.header().retain(), split.payload().retain());
      try {
        decode(ctx, joined, joined, false, out);
      } finally {
        joined.release();
      }
    }
  }

  /** {@code in} holds the header; the payload is what {@code payload} has left after it (the same buffer for a whole frame). */
  private void decode(ChannelHandlerContext ctx, ByteBuf in, ByteBuf payload, boolean placed, List<Object> out) {
    if (!in.isReadable()) throw new CorruptedFrameException("empty frame (length 0) from " + ctx.channel().remoteAddress());
    byte type = in.readByte();
    if (type == WireFormat.ABORT) {
      if (in.readableBytes() < WireFormat.ABORT_HEADER_BYTES - 1) {
        throw new CorruptedFrameException("abort frame of " + (in.readableBytes() + 1) + " bytes is shorter than its header ("
            + WireFormat.ABORT_HEADER_BYTES + " bytes)");
      }
      int culprit = in.readInt();
      long sequence = in.readLong();
      int reason = in.readByte();
      int operationBytes = in.readUnsignedShort();
      if (in.readableBytes() < operationBytes) {
        throw new CorruptedFrameException("abort frame names an operation of " + operationBytes + " bytes but only " + in.readableBytes() + " follow");
      }
      String operation = in.readCharSequence(operationBytes, StandardCharsets.UTF_8).toString();
      CollectiveFailure.Reason[] reasons = CollectiveFailure.Reason.values();
      CollectiveFailure failure = reason < 0 || reason >= reasons.length || operation.isBlank() ? null
          : new CollectiveFailure(culprit, operation, sequence, reasons[reason]);
      out.add(new AbortFrame(failure, in.toString(StandardCharsets.UTF_8)));
      return;
    }
    if (type != WireFormat.DATA) {
      throw new CorruptedFrameException("unknown frame type " + type + " from " + ctx.channel().remoteAddress());
    }
    if (in.readableBytes() < WireFormat.DATA_HEADER_BYTES - 1) {
      throw new CorruptedFrameException("data frame of " + (in.readableBytes() + 1) + " bytes is shorter than its header");
    } // (a split frame's header is exactly that long)
    int frameGeneration = in.readInt();
    if (frameGeneration != generation) {
      throw new CorruptedFrameException(
          "frame of ring generation " + frameGeneration + " on a ring at generation " + generation
              + ": rejected (a peer from a restarted ring?)");
    }
    long sequence = in.readLong();
    CollectiveKind kind = decodeEnum(CollectiveKind.values(), in.readByte(), "collective kind");
    byte opCode = in.readByte();
    ReduceOp op = opCode == -1 ? null : decodeEnum(ReduceOp.values(), opCode, "reduce op");
    ElementType elementType = decodeEnum(ElementType.values(), in.readByte(), "element type");
    long count = in.readLong();
    int step = in.readInt();
    int segment = in.readInt();
    CollectiveHeader header = new CollectiveHeader(frameGeneration, sequence, kind, op, elementType, count, true);
    out.add(new DataFrame(header, step, segment, payload.readRetainedSlice(payload.readableBytes()), placed));
  }

  private static <E extends Enum<E>> E decodeEnum(E[] values, int code, String what) {
    if (code < 0 || code >= values.length) {
      throw new CorruptedFrameException("unknown " + what + " code " + code);
    }
    return values[code];
  }
}
