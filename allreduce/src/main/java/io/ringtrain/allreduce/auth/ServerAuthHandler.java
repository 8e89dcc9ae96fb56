package io.ringtrain.allreduce.auth;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.ringtrain.allreduce.auth.Rejections.Reason;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Server side of the {@link Handshake} for one accepted connection. Until the client has proved
 * the key nothing but handshake frames (at most {@link Handshake#MAX_FRAME_BYTES}) is read. Every
 * well-formed HELLO gets the same CHALLENGE (a fresh nonce, nothing computed from the key, no
 * check of generation, world size or ranks), so a stranger learns nothing about the key or the
 * ring. Only once the RESPONSE proves the key over the HELLO's fields are those fields checked;
 * a client that proved the key hears why it is refused (REFUSED), a stranger is just closed. Any
 * failure (bad magic, wrong key, wrong generation or world size, a rank that should not dial us,
 * random bytes, an oversized or truncated frame, silence or a trickle past the handshake deadline,
 * which bytes do not extend) is counted and logged (rate-limited, by {@link Rejections}) and
 * closes only this connection. The key proved, the connection is handed to the {@link
 * PeerAcceptor} first and ACCEPT (with the server's proof) is sent only if it took it, so a
 * second connection for a live rank is refused, never accepted.
 *
 * <p>A HELLO may arrive before this rank's communicator exists (the server is bound first, so
 * that its port can be shared); the CHALLENGE then waits for {@code binding}, which bounds how
 * many wait. The handshake timer and the wait end with the connection.
 *
 * <p>Ownership: {@link SimpleChannelInboundHandler} releases each handshake frame after reading.
 */
public final class ServerAuthHandler extends SimpleChannelInboundHandler<ByteBuf> {
  private enum State { AWAIT_HELLO, AWAIT_BINDING, AWAIT_RESPONSE, DONE, REJECTED }

  private final PendingBinding binding;
  private final Duration handshakeTimeout;
  private final Rejections rejections;
  /** Set once the HELLO waits for the binding; cancelled when the connection goes. */
  private PendingBinding.Waiter onBound;
  private ScheduledFuture<?> deadline;
  private State state = State.AWAIT_HELLO;
  private int clientRank;
  private int helloGeneration;
  private int helloWorld;
  private int helloServerRank;
  private int helloConnection;
  private int helloConnections;
  private byte[] nonceC;
  private byte[] nonceS;
  private ServerBinding bound;

  public ServerAuthHandler(PendingBinding binding, Duration handshakeTimeout, Rejections rejections) {
    this.binding = binding;
    this.handshakeTimeout = handshakeTimeout;
    this.rejections = rejections;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    deadline = ctx.executor()
        .schedule(
            () -> {
              if (state != State.DONE && state != State.REJECTED) {
                reject(ctx, Reason.TIMEOUT, "no complete handshake within " + handshakeTimeout.toMillis() + " ms");
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
      case AWAIT_BINDING -> reject(ctx, Reason.MALFORMED, "sent a frame before the challenge");
      default -> { /* REJECTED or DONE: the channel is closing or no longer ours */ }
    }
  }

  private void readHello(ChannelHandlerContext ctx, ByteBuf frame) {
    if (frame.readableBytes() != Handshake.HELLO_BYTES || frame.readByte() != Handshake.HELLO || frame.readInt() != Handshake.MAGIC) {
      reject(ctx, Reason.MALFORMED, "the first frame is not a ringtrain HELLO");
      return;
    }
    byte version = frame.readByte();
    if (version != Handshake.VERSION) {
      reject(ctx, Reason.MISMATCH, "handshake protocol version " + version + ", this server speaks " + Handshake.VERSION + " (mixed ringtrain versions?)");
      return;
    }
    helloGeneration = frame.readInt();
    helloWorld = frame.readInt();
    clientRank = frame.readInt();
    helloServerRank = frame.readInt();
    helloConnection = frame.readInt();
    helloConnections = frame.readInt();
    nonceC = Handshake.readBytes(frame, Handshake.NONCE_BYTES);
    state = State.AWAIT_BINDING;
    onBound = (b, error) -> {
      try {
        ctx.executor().execute(() -> challenge(ctx, b, error));
      } catch (RejectedExecutionException closing) {
        // the I/O threads are shutting down, and close this connection with them
      }
    };
    if (!binding.await(onBound)) {
      reject(ctx, Reason.BUSY, "too many handshakes already wait for this rank's communicator");
    }
  }

  /** The same answer to every well-formed HELLO: a fresh nonce, nothing else. */
  private void challenge(ChannelHandlerContext ctx, ServerBinding b, Throwable error) {
    if (state != State.AWAIT_BINDING || !ctx.channel().isActive()) return;
    if (error != null) {
      reject(ctx, Reason.SERVER_CLOSED, "this server closed before its communicator was built");
      return;
    }
    bound = b;
    nonceS = Handshake.nonce();
    ByteBuf out = Handshake.frame(ctx, Handshake.CHALLENGE_BYTES);
    out.writeByte(Handshake.CHALLENGE).writeBytes(nonceS);
    state = State.AWAIT_RESPONSE;
    ctx.writeAndFlush(out);
  }

  private void readResponse(ChannelHandlerContext ctx, ByteBuf frame) {
    if (frame.readableBytes() != Handshake.RESPONSE_BYTES || frame.readByte() != Handshake.RESPONSE) {
      reject(ctx, Reason.MALFORMED, "malformed RESPONSE");
      return;
    }
    RingIdentity me = bound.identity();
    byte[] expected = Handshake.mac(me.secret(), Handshake.CLIENT_SIDE, me.purpose(), helloGeneration, helloWorld, clientRank, helloServerRank,
        helloConnection, helloConnections, nonceC, nonceS);
    if (!Handshake.sameMac(expected, Handshake.readBytes(frame, Handshake.MAC_BYTES))) {
      reject(ctx, Reason.WRONG_SECRET, "did not prove the key of this " + me.purpose().name().toLowerCase(java.util.Locale.ROOT)
          + " port (HMAC mismatch; another job's secret, or a peer meant for another port) from a client claiming rank " + clientRank);
      return;
    }
    // the client knows the key: only now are its fields checked, and it may hear why it is refused
    String problem = null;
    if (helloGeneration != me.generation()) {
      problem = "ring generation " + helloGeneration + (helloGeneration < me.generation() ? " is earlier than" : " differs from") + " this ring's " + me.generation();
    } else if (helloWorld != me.worldSize()) {
      problem = "world size " + helloWorld + " differs from this ring's " + me.worldSize();
    } else if (helloServerRank != me.rank()) {
      problem = "it dialled rank " + helloServerRank + " but this is rank " + me.rank();
    } else if (clientRank <= me.rank() || clientRank >= me.worldSize()) {
      problem = "rank " + clientRank + " may not dial rank " + me.rank() + " (higher ranks dial lower ones)";
    } else if (helloConnections != me.connectionsPerPeer()) {
      problem = "rank " + clientRank + " opens " + helloConnections + " connections per peer but rank " + me.rank() + " expects "
          + me.connectionsPerPeer() + ": give every rank the same connectionsPerPeer";
    } else if (helloConnection < 0 || helloConnection >= helloConnections) {
      problem = "connection " + helloConnection + " is outside 0.." + (helloConnections - 1);
    }
    if (problem != null) {
      refuse(ctx, Reason.MISMATCH, problem);
      return;
    }
    // check, then accept: the acceptor refuses a rank that is already connected, and only a
    // connection it took hears ACCEPT (written from the tail: the acceptor replaced this handler)
    state = State.DONE;
    if (!bound.acceptor().accept(clientRank, helloConnection, ctx.channel())) {
      refuse(ctx, Reason.DUPLICATE, "rank " + clientRank + " proved the job secret but is already connected"
          + (helloConnections == 1 ? "" : " on connection " + helloConnection) + " (a second process with that rank?)");
      return;
    }
    stopWaiting();
    byte[] macS = Handshake.mac(me.secret(), Handshake.SERVER_SIDE, me.purpose(), helloGeneration, helloWorld, clientRank, helloServerRank,
        helloConnection, helloConnections, nonceC, nonceS);
    ByteBuf accept = ctx.alloc().buffer(4 + Handshake.ACCEPT_BYTES);
    accept.writeInt(Handshake.ACCEPT_BYTES).writeByte(Handshake.ACCEPT).writeBytes(macS);
    ctx.channel().writeAndFlush(accept);
  }

  /** The client proved the key: it hears why (REFUSED) before the close. */
  private void refuse(ChannelHandlerContext ctx, Reason reason, String problem) {
    end(ctx, reason, problem, true);
  }

  /** A stranger is closed without a word. */
  private void reject(ChannelHandlerContext ctx, Reason reason, String problem) {
    end(ctx, reason, problem, false);
  }

  /**
   * Counts and logs, then closes in a finally, once: a failing logger cannot keep a peer connected.
   * {@code tellWhy}: the peer hears the reason (REFUSED) before the close.
   */
  private void end(ChannelHandlerContext ctx, Reason reason, String problem, boolean tellWhy) {
    if (state == State.REJECTED) return;
    state = State.REJECTED;
    try {
      rejections.record(reason, (tellWhy ? "refused" : "rejected") + " connection from " + ctx.channel().remoteAddress() + ": " + problem);
    } finally {
      if (tellWhy) {
        byte[] text = Handshake.reasonBytes(problem);
        ByteBuf refused = ctx.alloc().buffer(5 + text.length);
        refused.writeInt(1 + text.length).writeByte(Handshake.REFUSED).writeBytes(text);
        ctx.channel().writeAndFlush(refused).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.channel().close();
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    reject(ctx, Reason.MALFORMED, cause.toString());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopWaiting();
    if (state != State.DONE && state != State.REJECTED) {
      reject(ctx, Reason.MALFORMED, "closed before completing the handshake (state " + state + ")");
    }
    ctx.fireChannelInactive();
  }

  /** Replaced by the data handlers (authenticated) or gone with the channel: nothing of this handshake stays scheduled. */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopWaiting();
  }

  private void stopWaiting() {
    if (deadline != null) deadline.cancel(false);
    if (onBound != null) binding.cancel(onBound);
  }
}
