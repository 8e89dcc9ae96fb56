package io.ringtrain.allreduce.auth;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.CompletableFuture;

/**
 * Client side of the {@link Handshake}: a higher rank dialling a lower one. Completes {@code done}
 * with the channel once the server has proved the secret and accepted ours, after handing the
 * channel to the {@link PeerAcceptor}; fails it (and closes) otherwise.
 *
 * <p>Ownership: {@link SimpleChannelInboundHandler} releases each handshake frame after reading.
 */
public final class ClientAuthHandler extends SimpleChannelInboundHandler<ByteBuf> {
  private final RingIdentity me;
  private final int serverRank;
  private final PeerAcceptor acceptor;
  private final CompletableFuture<Channel> done;
  private byte[] nonceC;
  private boolean challenged;

  public ClientAuthHandler(RingIdentity me, int serverRank, PeerAcceptor acceptor, CompletableFuture<Channel> done) {
    this.me = me;
    this.serverRank = serverRank;
    this.acceptor = acceptor;
    this.done = done;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    nonceC = Handshake.nonce();
    ByteBuf hello = Handshake.frame(ctx, Handshake.HELLO_BYTES);
    hello.writeByte(Handshake.HELLO).writeInt(Handshake.MAGIC).writeByte(Handshake.VERSION);
    hello.writeInt(me.generation()).writeInt(me.worldSize()).writeInt(me.rank()).writeInt(serverRank);
    hello.writeBytes(nonceC);
    ctx.writeAndFlush(hello);
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    byte type = frame.readableBytes() > 0 ? frame.readByte() : 0;
    if (!challenged && type == Handshake.CHALLENGE && frame.readableBytes() == Handshake.CHALLENGE_BYTES - 1) {
      int claimedRank = frame.readInt();
      byte[] nonceS = Handshake.readBytes(frame, Handshake.NONCE_BYTES);
      byte[] macS = Handshake.readBytes(frame, Handshake.MAC_BYTES);
      byte[] expected = Handshake.mac(me.secret(), "ringtrain-server", me.generation(), me.worldSize(), me.rank(), serverRank, nonceC, nonceS);
      if (claimedRank != serverRank || !Handshake.sameMac(expected, macS)) {
        fail(ctx, "rank " + serverRank + " at " + ctx.channel().remoteAddress() + " did not prove the job secret");
        return;
      }
      challenged = true;
      byte[] macC = Handshake.mac(me.secret(), "ringtrain-client", me.generation(), me.worldSize(), me.rank(), serverRank, nonceC, nonceS);
      ByteBuf response = Handshake.frame(ctx, Handshake.RESPONSE_BYTES);
      response.writeByte(Handshake.RESPONSE).writeBytes(macC);
      ctx.writeAndFlush(response);
    } else if (challenged && type == Handshake.ACCEPT) {
      if (acceptor.accept(serverRank, ctx.channel())) {
        done.complete(ctx.channel());
      } else {
        fail(ctx, "rank " + serverRank + " is already connected");
      }
    } else {
      fail(ctx, "unexpected handshake frame (type " + type + ") from rank " + serverRank);
    }
  }

  private void fail(ChannelHandlerContext ctx, String reason) {
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
                + " closed the connection during the handshake (different job secret, generation or world size, or is rank " + me.rank() + " already connected to it? see its log)"));
    ctx.fireChannelInactive();
  }
}
