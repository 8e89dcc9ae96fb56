package io.ringtrain.allreduce.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.ringtrain.allreduce.CollectiveFailure;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes {@link DataFrame}s and {@link AbortFrame}s in the {@link WireFormat}. A data frame goes
 * out as two buffers, the length and header, then the payload itself (no copy): the payload is
 * retained for the socket, and the frame is released by {@link MessageToMessageEncoder} after
 * this method, so the socket ends up holding the only reference and releases it once written.
 */
@Sharable
public final class DataFrameEncoder extends MessageToMessageEncoder<Object> {
  public DataFrameEncoder() {
    super(Object.class);
  }

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof DataFrame || msg instanceof AbortFrame;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
    if (msg instanceof DataFrame frame) {
      CollectiveHeader header = frame.header();
      ByteBuf payload = frame.payload();
      ByteBuf head = ctx.alloc().buffer(4 + WireFormat.DATA_HEADER_BYTES);
      head.writeInt(WireFormat.DATA_HEADER_BYTES + payload.readableBytes());
      head.writeByte(WireFormat.DATA);
      head.writeInt(header.generation());
      head.writeLong(header.sequence());
      head.writeByte(header.kind().ordinal());
      head.writeByte(header.op() == null ? -1 : header.op().ordinal());
      head.writeByte(header.elementType().ordinal());
      head.writeLong(header.count());
      head.writeInt(frame.step());
      head.writeInt(frame.segment());
      out.add(head);
      out.add(payload.retain());
    } else {
      AbortFrame abort = (AbortFrame) msg;
      byte[] reason = abort.reason().getBytes(StandardCharsets.UTF_8);
      int reasonBytes = Math.min(reason.length, WireFormat.MAX_ABORT_REASON_BYTES);
      CollectiveFailure failure = abort.failure();
      byte[] operation = failure == null ? new byte[0] : failure.operation().getBytes(StandardCharsets.UTF_8);
      int operationBytes = Math.min(operation.length, 64);
      int frameBytes = WireFormat.ABORT_HEADER_BYTES + operationBytes + reasonBytes;
      ByteBuf buf = ctx.alloc().buffer(4 + frameBytes);
      buf.writeInt(frameBytes);
      buf.writeByte(WireFormat.ABORT);
      buf.writeInt(failure == null ? -1 : failure.culprit());
      buf.writeLong(failure == null ? -1 : failure.sequence());
      buf.writeByte(failure == null ? -1 : failure.reason().ordinal());
      buf.writeShort(operationBytes);
      buf.writeBytes(operation, 0, operationBytes);
      buf.writeBytes(reason, 0, reasonBytes);
      out.add(buf);
    }
  }
}
