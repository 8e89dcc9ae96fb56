package io.ringtrain.allreduce.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an authenticated peer's pipeline: hands data frames to the {@link PeerLink}
 * inbox of its connection (the link then owns them), reports aborts, and marks that connection
 * closed when it ends. A protocol error (a corrupt or oversized frame) fails the ring with its cause, which
 * every peer then hears in the abort, before the connection closes: otherwise the ranks would
 * report only that this peer closed the connection. Other errors (a reset, say) are logged and
 * close the connection, which the collective reports.
 */
public final class PeerChannelHandler extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(PeerChannelHandler.class.getName());
  private final PeerLink link;
  /** Which of the link's connections this channel is. */
  private final int connection;
  private final PeerEvents events;

  /** The handler of the link's first connection. */
  public PeerChannelHandler(PeerLink link, PeerEvents events) {
    this(link, 0, events);
  }

  public PeerChannelHandler(PeerLink link, int connection, PeerEvents events) {
    this.link = link;
    this.connection = connection;
    this.events = events;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof DataFrame frame) {
      link.deliver(connection, frame);
    } else if (msg instanceof AbortFrame abort) {
      events.abortedBy(link, abort);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // only the link's own connection may mark it closed (not a duplicate that lost the race)
    if (link.channel(connection) == ctx.channel()) link.deliver(connection, PeerLink.CLOSED);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException) {
      events.protocolErrorFrom(link, cause.getMessage() != null ? cause.getMessage() : cause.toString());
    } else {
      LOG.log(System.Logger.Level.WARNING, "closing the connection to " + link.describe() + ": " + cause);
    }
    ctx.close();
  }
}
