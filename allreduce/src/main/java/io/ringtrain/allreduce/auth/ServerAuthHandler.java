package io.ringtrain.allreduce.auth;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server side of the {@link Handshake} for one accepted connection. Until the client has proved
 * the job secret nothing but handshake frames (at most {@link Handshake#MAX_FRAME_BYTES}) is
 * read. Any failure (bad magic, wrong secret, wrong generation or world size, a rank that should
 * not dial us, random bytes, an oversized or truncated frame, silence past the handshake timeout)
 * is logged with the remote address, counted, and closes only this connection.
 *
 * <p>A HELLO may arrive before this rank's communicator exists (the server is bound first, so
 * that its port can be shared); the answer then waits for {@code binding}.
 *
 * <p>Ownership: {@link SimpleChannelInboundHandler} releases each handshake frame after reading.
 */
public final class ServerAuthHandler extends SimpleChannelInboundHandler<ByteBuf> {
  private static final System.Logger LOG = System.getLogger(ServerAuthHandler.class.getName());

  private enum State { AWAIT_HELLO, AWAIT_BINDING, AWAIT_RESPONSE, DONE, REJECTED }

  private final CompletableFuture<ServerBinding> binding;
  private final Duration handshakeTimeout;
  private final AtomicLong rejected;
  private State state = State.AWAIT_HELLO;
  private int clientRank;
  private int helloGeneration;
  private int helloWorld;
  private int helloServerRank;
  private byte[] nonceC;
  private byte[] nonceS;
  private ServerBinding bound;

  public ServerAuthHandler(CompletableFuture<ServerBinding> binding, Duration handshakeTimeout, AtomicLong rejected) {
    this.binding = binding;
    this.handshakeTimeout = handshakeTimeout;
    this.rejected = rejected;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.executor()
        .schedule(
            () -> {
              if (state != State.DONE && state != State.REJECTED) {
                reject(ctx, "no complete handshake within " + handshakeTimeout.toMillis() + " ms");
              }
            },
            handshakeTimeout.toNanos(),
            TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    switch (state) {
      case AWAIT_HELLO -> readHello(ctx, frame);
      case AWAIT_RESPONSE -> readResponse(ctx, frame);
      case AWAIT_BINDING -> reject(ctx, "sent a frame before the challenge");
      default -> { /* REJECTED or DONE: the channel is closing or no longer ours */ }
    }
  }

  private void readHello(ChannelHandlerContext ctx, ByteBuf frame) {
    if (frame.readableBytes() != Handshake.HELLO_BYTES || frame.readByte() != Handshake.HELLO || frame.readInt() != Handshake.MAGIC) {
      reject(ctx, "the first frame is not a ringtrain HELLO");
      return;
    }
    byte version = frame.readByte();
    if (version != Handshake.VERSION) {
      reject(ctx, "protocol version " + version + ", this rank speaks " + Handshake.VERSION);
      return;
    }
    helloGeneration = frame.readInt();
    helloWorld = frame.readInt();
    clientRank = frame.readInt();
    helloServerRank = frame.readInt();
    nonceC = Handshake.readBytes(frame, Handshake.NONCE_BYTES);
    state = State.AWAIT_BINDING;
    binding.whenComplete((b, error) -> ctx.executor().execute(() -> challenge(ctx, b, error)));
  }

  private void challenge(ChannelHandlerContext ctx, ServerBinding b, Throwable error) {
    if (state != State.AWAIT_BINDING || !ctx.channel().isActive()) return;
    if (error != null) {
      reject(ctx, "this server closed before its communicator was built");
      return;
    }
    bound = b;
    RingIdentity me = b.identity();
    String problem = null;
    if (helloGeneration != me.generation()) {
      problem = "ring generation " + helloGeneration + (helloGeneration < me.generation() ? " is earlier than" : " differs from") + " this ring's " + me.generation();
    } else if (helloWorld != me.worldSize()) {
      problem = "world size " + helloWorld + " differs from this ring's " + me.worldSize();
    } else if (helloServerRank != me.rank()) {
      problem = "it dialled rank " + helloServerRank + " but this is rank " + me.rank();
    } else if (clientRank <= me.rank() || clientRank >= me.worldSize()) {
      problem = "rank " + clientRank + " may not dial rank " + me.rank() + " (higher ranks dial lower ones)";
    }
    if (problem != null) {
      reject(ctx, problem);
      return;
    }
    nonceS = Handshake.nonce();
    byte[] macS = Handshake.mac(me.secret(), "ringtrain-server", me.generation(), me.worldSize(), clientRank, me.rank(), nonceC, nonceS);
    ByteBuf out = Handshake.frame(ctx, Handshake.CHALLENGE_BYTES);
    out.writeByte(Handshake.CHALLENGE).writeInt(me.rank()).writeBytes(nonceS).writeBytes(macS);
    state = State.AWAIT_RESPONSE;
    ctx.writeAndFlush(out);
  }

  private void readResponse(ChannelHandlerContext ctx, ByteBuf frame) {
    if (frame.readableBytes() != Handshake.RESPONSE_BYTES || frame.readByte() != Handshake.RESPONSE) {
      reject(ctx, "malformed RESPONSE");
      return;
    }
    RingIdentity me = bound.identity();
    byte[] expected = Handshake.mac(me.secret(), "ringtrain-client", me.generation(), me.worldSize(), clientRank, me.rank(), nonceC, nonceS);
    if (!Handshake.sameMac(expected, Handshake.readBytes(frame, Handshake.MAC_BYTES))) {
      reject(ctx, "wrong job secret (HMAC mismatch) from a client claiming rank " + clientRank);
      return;
    }
    state = State.DONE;
    ByteBuf accept = Handshake.frame(ctx, 1);
    accept.writeByte(Handshake.ACCEPT);
    ctx.writeAndFlush(accept);
    if (!bound.acceptor().accept(clientRank, ctx.channel())) {
      state = State.REJECTED;
      rejected.incrementAndGet();
      LOG.log(System.Logger.Level.WARNING, "closing a second connection from rank " + clientRank + " at " + ctx.channel().remoteAddress());
      ctx.close();
    }
  }

  private void reject(ChannelHandlerContext ctx, String reason) {
    if (state == State.REJECTED) return;
    state = State.REJECTED;
    rejected.incrementAndGet();
    LOG.log(System.Logger.Level.WARNING, "rejected connection from " + ctx.channel().remoteAddress() + ": " + reason);
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    reject(ctx, cause.toString());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state != State.DONE && state != State.REJECTED) {
      reject(ctx, "closed before completing the handshake (state " + state + ")");
    }
    ctx.fireChannelInactive();
  }
}
