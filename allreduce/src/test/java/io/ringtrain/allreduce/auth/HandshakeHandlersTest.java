package io.ringtrain.allreduce.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
  void aClientWithAnotherSecretIsClosedByTheServerAndNeitherSideAccepts() {
    AtomicInteger serverAccepted = new AtomicInteger(-1);
    AtomicInteger clientAccepted = new AtomicInteger(-1);
    Rejections rejected = new Rejections();
    CompletableFuture<Channel> done = new CompletableFuture<>();
    EmbeddedChannel server = server(SECRET, serverAccepted, rejected);
    EmbeddedChannel client = client("another-secret".getBytes(StandardCharsets.US_ASCII), done, clientAccepted);
    shuttle(client, server);
    assertEquals(-1, serverAccepted.get());
    assertEquals(-1, clientAccepted.get());
    assertFalse(done.isDone(), "the client heard something after its wrong proof");
    assertFalse(server.isOpen(), "the server kept a client that did not prove the key");
    assertEquals(1, rejected.count());
  }

  /** A HELLO as rank 1 to rank 0 of a ring of 2, generation 0. */
  private static ByteBuf hello() {
    ByteBuf hello = io.netty.buffer.Unpooled.buffer(4 + Handshake.HELLO_BYTES);
    hello.writeInt(Handshake.HELLO_BYTES).writeByte(Handshake.HELLO).writeInt(Handshake.MAGIC).writeByte(Handshake.VERSION);
    hello.writeInt(0).writeInt(2).writeInt(1).writeInt(0).writeInt(0).writeInt(1).writeBytes(Handshake.nonce());
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
    assertTrue(done.isCompletedExceptionally(), "the client was told ACCEPT");
    assertTrue(failure(done).contains("already connected"), failure(done));
  }

  private static String failure(CompletableFuture<Channel> done) {
    return done.handle((ch, e) -> String.valueOf(e)).join();
  }

  /** A HELLO to rank {@code serverRank} of a ring of {@code world} at {@code generation}, from {@code clientRank}. */
  private static ByteBuf hello(int generation, int world, int clientRank, int serverRank) {
    ByteBuf hello = io.netty.buffer.Unpooled.buffer(4 + Handshake.HELLO_BYTES);
    hello.writeInt(Handshake.HELLO_BYTES).writeByte(Handshake.HELLO).writeInt(Handshake.MAGIC).writeByte(Handshake.VERSION);
    hello.writeInt(generation).writeInt(world).writeInt(clientRank).writeInt(serverRank).writeInt(0).writeInt(1).writeBytes(Handshake.nonce());
    return hello;
  }

  /** Everything the server wrote, as bytes. */
  private static byte[] written(EmbeddedChannel server) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (ByteBuf out; (out = server.readOutbound()) != null; out.release()) {
      byte[] chunk = new byte[out.readableBytes()];
      out.readBytes(chunk);
      bytes.writeBytes(chunk);
    }
    return bytes.toByteArray();
  }

  @Test
  void everyWellFormedHelloHearsTheSameBareChallengeWhateverItsFieldsAndTheServersKey() {
    ByteBuf[] hellos = {hello(0, 2, 1, 0), hello(-1, 2, 1, 0), hello(7, 2, 1, 0), hello(0, 5, 1, 0), hello(0, 2, 3, 0), hello(0, 2, 1, 4)};
    byte[][] keys = {SECRET, "a-completely-different-key-0123".getBytes(StandardCharsets.US_ASCII)};
    for (byte[] key : keys) {
      for (ByteBuf hello : hellos) {
        Rejections rejected = new Rejections();
        EmbeddedChannel server = server(key, new AtomicInteger(-1), rejected);
        server.writeInbound(hello.retainedDuplicate());
        byte[] reply = written(server);
        // length, type, then a nonce: nothing computed from the key, nothing that depends on the fields
        assertEquals(4 + Handshake.CHALLENGE_BYTES, reply.length, "the reply's size depends on the HELLO or the key");
        assertEquals(Handshake.CHALLENGE_BYTES, java.nio.ByteBuffer.wrap(reply).getInt());
        assertEquals(Handshake.CHALLENGE, reply[4]);
        assertTrue(server.isOpen(), "a stranger learned that its HELLO was wrong from the server closing");
        assertEquals(0, rejected.count());
      }
    }
    for (ByteBuf hello : hellos) hello.release();
  }

  @Test
  void aFakeServerThatAnswersWithRandomBytesCannotMakeTheClientAccept() {
    AtomicInteger clientAccepted = new AtomicInteger(-1);
    CompletableFuture<Channel> done = new CompletableFuture<>();
    EmbeddedChannel client = client(SECRET, done, clientAccepted);
    assertEquals(4 + Handshake.HELLO_BYTES, written(client).length);
    ByteBuf challenge = io.netty.buffer.Unpooled.buffer().writeInt(Handshake.CHALLENGE_BYTES).writeByte(Handshake.CHALLENGE).writeBytes(Handshake.nonce());
    client.writeInbound(challenge);
    assertEquals(4 + Handshake.RESPONSE_BYTES, written(client).length, "the client proved itself first");
    ByteBuf garbageAccept = io.netty.buffer.Unpooled.buffer().writeInt(Handshake.ACCEPT_BYTES).writeByte(Handshake.ACCEPT).writeBytes(Handshake.nonce());
    client.writeInbound(garbageAccept);
    assertEquals(-1, clientAccepted.get(), "the client took a channel from a server that does not know the key");
    assertTrue(done.isCompletedExceptionally());
    assertTrue(failure(done).contains("did not prove the job secret"), failure(done));
    assertFalse(client.isOpen());
  }

  @Test
  void anAcceptBeforeTheChallengeIsRefusedByTheClient() {
    AtomicInteger clientAccepted = new AtomicInteger(-1);
    CompletableFuture<Channel> done = new CompletableFuture<>();
    EmbeddedChannel client = client(SECRET, done, clientAccepted);
    client.writeInbound(io.netty.buffer.Unpooled.buffer().writeInt(Handshake.ACCEPT_BYTES).writeByte(Handshake.ACCEPT).writeBytes(Handshake.nonce()));
    assertEquals(-1, clientAccepted.get());
    assertTrue(done.isCompletedExceptionally());
  }

  @Test
  void eachOfSeveralConnectionsReachesBothAcceptorsWithItsIndex() {
    AtomicInteger serverConnection = new AtomicInteger(-1);
    AtomicInteger clientConnection = new AtomicInteger(-1);
    PendingBinding binding = new PendingBinding(10);
    binding.complete(new ServerBinding(new RingIdentity(0, 2, 0, SECRET, Handshake.Purpose.RING, 3), new PeerAcceptor() {
      @Override public boolean accept(int rank, Channel ch) { throw new AssertionError("a connection of several was accepted without its index"); }
      @Override public boolean accept(int rank, int connection, Channel ch) {
        serverConnection.set(connection);
        return true;
      }
    }));
    EmbeddedChannel server = new EmbeddedChannel(Handshake.newFrameDecoder(), new ServerAuthHandler(binding, Duration.ofSeconds(5), new Rejections()));
    CompletableFuture<Channel> done = new CompletableFuture<>();
    EmbeddedChannel client = new EmbeddedChannel(Handshake.newFrameDecoder(), new ClientAuthHandler(new RingIdentity(1, 2, 0, SECRET, Handshake.Purpose.RING, 3), 0, 2,
        new PeerAcceptor() {
          @Override public boolean accept(int rank, Channel ch) { throw new AssertionError("a connection of several was accepted without its index"); }
          @Override public boolean accept(int rank, int connection, Channel ch) {
            clientConnection.set(connection);
            return true;
          }
        }, done));
    shuttle(client, server);
    assertEquals(2, serverConnection.get());
    assertEquals(2, clientConnection.get());
    assertTrue(done.isDone() && !done.isCompletedExceptionally());
  }

  @Test
  void aClientWithAnotherConnectionCountHearsBothCountsAndNeitherSideAccepts() {
    AtomicInteger serverAccepted = new AtomicInteger(-1);
    PendingBinding binding = new PendingBinding(10);
    binding.complete(new ServerBinding(new RingIdentity(0, 2, 0, SECRET, Handshake.Purpose.RING, 2), (rank, ch) -> {
      serverAccepted.set(rank);
      return true;
    }));
    Rejections rejected = new Rejections();
    EmbeddedChannel server = new EmbeddedChannel(Handshake.newFrameDecoder(), new ServerAuthHandler(binding, Duration.ofSeconds(5), rejected));
    CompletableFuture<Channel> done = new CompletableFuture<>();
    EmbeddedChannel client = new EmbeddedChannel(Handshake.newFrameDecoder(), new ClientAuthHandler(new RingIdentity(1, 2, 0, SECRET), 0, (rank, ch) -> true, done));
    shuttle(client, server);
    assertEquals(-1, serverAccepted.get());
    assertEquals(1, rejected.count());
    assertTrue(done.isCompletedExceptionally());
    Throwable reason = assertThrows(java.util.concurrent.ExecutionException.class, done::get).getCause();
    assertTrue(reason.getMessage().contains("rank 1 opens 1 connections per peer but rank 0 expects 2"), reason.getMessage());
  }

  @Test
  void aProgressChannelProofIsRefusedByARingServerAndTheOtherWayRound() {
    for (Handshake.Purpose serverPurpose : Handshake.Purpose.values()) {
      Handshake.Purpose clientPurpose = serverPurpose == Handshake.Purpose.RING ? Handshake.Purpose.PROGRESS : Handshake.Purpose.RING;
      AtomicInteger serverAccepted = new AtomicInteger(-1);
      PendingBinding binding = new PendingBinding(10);
      binding.complete(new ServerBinding(new RingIdentity(0, 2, 0, SECRET, serverPurpose), (rank, ch) -> {
        serverAccepted.set(rank);
        return true;
      }));
      Rejections rejected = new Rejections();
      EmbeddedChannel server = new EmbeddedChannel(Handshake.newFrameDecoder(), new ServerAuthHandler(binding, Duration.ofSeconds(5), rejected));
      CompletableFuture<Channel> done = new CompletableFuture<>();
      EmbeddedChannel client = new EmbeddedChannel(Handshake.newFrameDecoder(),
          new ClientAuthHandler(new RingIdentity(1, 2, 0, SECRET, clientPurpose), 0, (rank, ch) -> true, done));
      shuttle(client, server);
      assertEquals(-1, serverAccepted.get(), "a " + clientPurpose + " proof was accepted by a " + serverPurpose + " server");
      assertFalse(server.isOpen());
      assertEquals(1, rejected.count());
      assertFalse(done.isDone() && !done.isCompletedExceptionally(), "the client took the channel");
    }
  }

  @Test
  void aWeakSecretIsWarnedAboutOnceWhenConfigured() {
    java.util.List<String> warnings = new java.util.ArrayList<>();
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger(io.ringtrain.allreduce.CommunicatorConfig.class.getName());
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override public void publish(java.util.logging.LogRecord record) { warnings.add(record.getMessage()); }
          @Override public void flush() {}
          @Override public void close() {}
        };
    jul.addHandler(capture);
    try {
      io.ringtrain.allreduce.CommunicatorConfig.builder().setSecret("sunshine1".getBytes(StandardCharsets.US_ASCII));
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("9 bytes, under 16"), warnings.get(0));
      io.ringtrain.allreduce.CommunicatorConfig.builder().setSecret(Handshake.nonce());
      assertEquals(1, warnings.size(), "32 random bytes were warned about: " + warnings);
    } finally {
      jul.removeHandler(capture);
    }
  }
}
