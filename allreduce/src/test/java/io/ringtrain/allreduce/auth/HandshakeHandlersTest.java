package io.ringtrain.allreduce.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Server and client auth handlers on two embedded channels, bytes shuttled between them by hand. */
class HandshakeHandlersTest {
  private static final byte[] SECRET = "s3cret-s3cret-s3cret".getBytes(StandardCharsets.US_ASCII);

  private static EmbeddedChannel server(byte[] secret, AtomicInteger acceptedRank, Rejections rejected) {
    PendingBinding binding = new PendingBinding(10);
    binding.complete(new ServerBinding(new RingIdentity(0, 2, 0, secret), (rank, ch) -> {
      acceptedRank.set(rank);
      return true;
    }));
    return new EmbeddedChannel(Handshake.newFrameDecoder(), new ServerAuthHandler(binding, Duration.ofSeconds(5), rejected));
  }

  private static EmbeddedChannel client(byte[] secret, CompletableFuture<Channel> done, AtomicInteger acceptedRank) {
    return new EmbeddedChannel(Handshake.newFrameDecoder(), new ClientAuthHandler(new RingIdentity(1, 2, 0, secret), 0, (rank, ch) -> {
      acceptedRank.set(rank);
      return true;
    }, done));
  }

  /** Moves everything each side wrote to the other until both are quiet. */
  private static void shuttle(EmbeddedChannel a, EmbeddedChannel b) {
    boolean moved = true;
    while (moved) {
      moved = false;
      for (ByteBuf out; (out = a.readOutbound()) != null; moved = true) if (b.isOpen()) b.writeInbound(out); else out.release();
      for (ByteBuf out; (out = b.readOutbound()) != null; moved = true) if (a.isOpen()) a.writeInbound(out); else out.release();
      a.runPendingTasks();
      b.runPendingTasks();
    }
  }

  @Test
  void bothSidesAcceptEachOtherWithTheSameSecret() {
    AtomicInteger serverAccepted = new AtomicInteger(-1);
    AtomicInteger clientAccepted = new AtomicInteger(-1);
    Rejections rejected = new Rejections();
    CompletableFuture<Channel> done = new CompletableFuture<>();
    EmbeddedChannel server = server(SECRET, serverAccepted, rejected);
    EmbeddedChannel client = client(SECRET, done, clientAccepted);
    shuttle(client, server);
    assertEquals(1, serverAccepted.get(), "the server accepted rank 1");
    assertEquals(0, clientAccepted.get(), "the client accepted rank 0");
    assertTrue(done.isDone() && !done.isCompletedExceptionally());
    assertEquals(0, rejected.count());
  }

  @Test
  void aClientWithAnotherSecretRefusesTheServerAndIsNeverAccepted() {
    AtomicInteger serverAccepted = new AtomicInteger(-1);
    AtomicInteger clientAccepted = new AtomicInteger(-1);
    Rejections rejected = new Rejections();
    CompletableFuture<Channel> done = new CompletableFuture<>();
    EmbeddedChannel server = server(SECRET, serverAccepted, rejected);
    EmbeddedChannel client = client("another-secret".getBytes(StandardCharsets.US_ASCII), done, clientAccepted);
    shuttle(client, server);
    assertEquals(-1, serverAccepted.get());
    assertEquals(-1, clientAccepted.get());
    assertTrue(done.isCompletedExceptionally(), "the client saw that the server does not know its secret");
    assertFalse(client.isOpen());
  }

  /** A HELLO as rank 1 to rank 0 of a ring of 2, generation 0. */
  private static ByteBuf hello() {
    ByteBuf hello = io.netty.buffer.Unpooled.buffer(4 + Handshake.HELLO_BYTES);
    hello.writeInt(Handshake.HELLO_BYTES).writeByte(Handshake.HELLO).writeInt(Handshake.MAGIC).writeByte(Handshake.VERSION);
    hello.writeInt(0).writeInt(2).writeInt(1).writeInt(0).writeBytes(Handshake.nonce());
    return hello;
  }

  @Test
  void aRejectedStrangerIsClosedEvenWhenLoggingThrows() {
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger(ServerAuthHandler.class.getName());
    java.util.logging.Handler throwing =
        new java.util.logging.Handler() {
          @Override public void publish(java.util.logging.LogRecord record) { throw new NoClassDefFoundError("no file descriptors left"); }
          @Override public void flush() {}
          @Override public void close() {}
        };
    boolean useParent = jul.getUseParentHandlers();
    jul.setUseParentHandlers(false);
    jul.addHandler(throwing);
    try {
      Rejections rejected = new Rejections();
      EmbeddedChannel server = server(SECRET, new AtomicInteger(-1), rejected);
      ByteBuf garbage = io.netty.buffer.Unpooled.buffer().writeInt(3).writeByte(1).writeByte(2).writeByte(3);
      try {
        server.writeInbound(garbage);
      } catch (Throwable loggingFailure) {
        // the logger's failure may surface; what matters is the state of the channel
      }
      assertFalse(server.isOpen(), "a stranger stays connected once logging fails");
      assertEquals(1, rejected.count());
    } finally {
      jul.removeHandler(throwing);
      jul.setUseParentHandlers(useParent);
    }
  }

  @Test
  void aStrangerThatClosesBeforeArmingLeavesNothingBehind() {
    PendingBinding unarmed = new PendingBinding(10);
    EmbeddedChannel server = new EmbeddedChannel(Handshake.newFrameDecoder(), new ServerAuthHandler(unarmed, Duration.ofSeconds(10), new Rejections()));
    server.writeInbound(hello());
    assertEquals(1, unarmed.waiting());
    server.close();
    assertEquals(0, unarmed.waiting(), "the closed stranger's HELLO still waits for the binding");
    assertEquals(-1, server.runScheduledPendingTasks(), "the closed stranger's handshake timeout is still scheduled");
  }

  @Test
  void helloesBeyondThePreArmLimitAreRejectedAndClosed() {
    int capacity = 3;
    PendingBinding unarmed = new PendingBinding(capacity);
    Rejections rejected = new Rejections();
    java.util.List<EmbeddedChannel> strangers = new java.util.ArrayList<>();
    for (int i = 0; i < capacity + 5; i++) {
      EmbeddedChannel stranger = new EmbeddedChannel(Handshake.newFrameDecoder(), new ServerAuthHandler(unarmed, Duration.ofSeconds(10), rejected));
      stranger.writeInbound(hello());
      strangers.add(stranger);
    }
    assertEquals(capacity, unarmed.waiting());
    assertEquals(5, rejected.count());
    for (int i = 0; i < strangers.size(); i++) assertEquals(i < capacity, strangers.get(i).isOpen(), "stranger " + i);
  }

  @Test
  void anAuthenticatedConnectionCancelsItsHandshakeTimeout() {
    AtomicInteger serverAccepted = new AtomicInteger(-1);
    EmbeddedChannel server = server(SECRET, serverAccepted, new Rejections());
    EmbeddedChannel client = client(SECRET, new CompletableFuture<>(), new AtomicInteger(-1));
    shuttle(client, server);
    assertEquals(1, serverAccepted.get());
    assertEquals(-1, server.runScheduledPendingTasks(), "the handshake timeout still holds the accepted connection");
  }

  @Test
  void aSecondConnectionForAConnectedRankHearsNoAccept() {
    PendingBinding binding = new PendingBinding(10);
    binding.complete(new ServerBinding(new RingIdentity(0, 2, 0, SECRET), (rank, ch) -> false)); // rank 1 is already connected
    Rejections rejected = new Rejections();
    EmbeddedChannel server = new EmbeddedChannel(Handshake.newFrameDecoder(), new ServerAuthHandler(binding, Duration.ofSeconds(5), rejected));
    CompletableFuture<Channel> done = new CompletableFuture<>();
    EmbeddedChannel client = client(SECRET, done, new AtomicInteger(-1));
    shuttle(client, server);
    assertFalse(server.isOpen());
    assertEquals(1, rejected.count());
    assertFalse(done.isDone(), "the client was told ACCEPT");
  }
}
