package io.ringtrain.allreduce.auth;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.CompletableFuture;

/**
 * Client side of the {@link Handshake}: the initiator (a higher rank dialling a lower one, or rank
 * 0 dialling the driver's progress port). Proves the key first (RESPONSE), then completes {@code
 * done} with the channel once the server's ACCEPT proves the key too, after handing the channel to
 * the {@link PeerAcceptor}; fails it (and closes) otherwise, with the server's reason when it sent
 * one (REFUSED).
 *
 * <p>Ownership: {@link SimpleChannelInboundHandler} releases each handshake frame after reading.
 */
public final class ClientAuthHandler extends SimpleChannelInboundHandler<ByteBuf> {
  private enum State { AWAIT_CHALLENGE, AWAIT_ACCEPT, DONE }

  private final RingIdentity me;
  private final int serverRank;
  /** Which of the {@link RingIdentity#connectionsPerPeer} connections to the server this is. */
  private final int connection;
  private final PeerAcceptor acceptor;
  private final CompletableFuture<Channel> done;
  private State state = State.AWAIT_CHALLENGE;
  private byte[] nonceC;
  private byte[] nonceS;

  /** The first (or only) connection to {@code serverRank}. */
  public ClientAuthHandler(RingIdentity me, int serverRank, PeerAcceptor acceptor, CompletableFuture<Channel> done) {
    this(me, serverRank, 0, acceptor, done);
  }

  public ClientAuthHandler(RingIdentity me, int serverRank, int connection, PeerAcceptor acceptor, CompletableFuture<Channel> done) {
    if (connection < 0 || connection >= me.connectionsPerPeer()) {
      throw new IllegalArgumentException("connection " + connection + " is outside 0.." + (me.connectionsPerPeer() - 1));
    }
    this.me = me;
    this.serverRank = serverRank;
    this.connection = connection;
    this.acceptor = acceptor;
    this.done = done;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    nonceC = Handshake.nonce();
    ByteBuf hello = Handshake.frame(ctx, Handshake.HELLO_BYTES);
    hello.writeByte(Handshake.HELLO).writeInt(Handshake.MAGIC).writeByte(Handshake.VERSION);
    hello.writeInt(me.generation()).writeInt(me.worldSize()).writeInt(me.rank()).writeInt(serverRank);
    hello.writeInt(connection).writeInt(me.connectionsPerPeer());
    hello.writeBytes(nonceC);
    ctx.writeAndFlush(hello);
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    byte type = frame.readableBytes() > 0 ? frame.readByte() : 0;
    if (state == State.AWAIT_CHALLENGE && type == Handshake.CHALLENGE && frame.readableBytes() == Handshake.CHALLENGE_BYTES - 1) {
      nonceS = Handshake.readBytes(frame, Handshake.NONCE_BYTES);
      byte[] macC = mac(Handshake.CLIENT_SIDE);
      ByteBuf response = Handshake.frame(ctx, Handshake.RESPONSE_BYTES);
      response.writeByte(Handshake.RESPONSE).writeBytes(macC);
      state = State.AWAIT_ACCEPT;
      ctx.writeAndFlush(response);
    } else if (state == State.AWAIT_ACCEPT && type == Handshake.ACCEPT && frame.readableBytes() == Handshake.ACCEPT_BYTES - 1) {
      if (!Handshake.sameMac(mac(Handshake.SERVER_SIDE), Handshake.readBytes(frame, Handshake.MAC_BYTES))) {
        fail(ctx, "rank " + serverRank + " at " + ctx.channel().remoteAddress() + " did not prove the job secret (its ACCEPT is not ours: an impostor?)");
        return;
      }
      state = State.DONE;
      if (acceptor.accept(serverRank, connection, ctx.channel())) {
        done.complete(ctx.channel());
      } else {
        fail(ctx, "rank " + serverRank + " is already connected" + (me.connectionsPerPeer() == 1 ? "" : " (connection " + connection + ")"));
      }
    } else if (state == State.AWAIT_ACCEPT && type == Handshake.REFUSED) {
      fail(ctx, "rank " + serverRank + " at " + ctx.channel().remoteAddress() + " refused the connection: " + Handshake.readReason(frame));
    } else {
      fail(ctx, "unexpected handshake frame (type " + type + ") from rank " + serverRank + " at " + ctx.channel().remoteAddress());
    }
  }

  private byte[] mac(String side) {
    return Handshake.mac(me.secret(), side, me.purpose(), me.generation(), me.worldSize(), me.rank(), serverRank,
        connection, me.connectionsPerPeer(), nonceC, nonceS);
  }

  private void fail(ChannelHandlerContext ctx, String reason) {
    state = State.DONE;
    done.completeExceptionally(new IllegalStateException(reason));
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, "handshake with rank " + serverRank + " failed: " + cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    done.completeExceptionally(
        new IllegalStateException(
            "rank " + serverRank + " at " + ctx.channel().remoteAddress()
                + " closed the connection during the handshake without a reason (a different job secret? see its log)"));
    ctx.fireChannelInactive();
  }
}
