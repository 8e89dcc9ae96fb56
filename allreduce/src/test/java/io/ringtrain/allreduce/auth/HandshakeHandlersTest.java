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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Server and client auth handlers on two embedded channels, bytes shuttled between them by hand. */
class HandshakeHandlersTest {
  private static final byte[] SECRET = "s3cret-s3cret-s3cret".getBytes(StandardCharsets.US_ASCII);

  private static EmbeddedChannel server(byte[] secret, AtomicInteger acceptedRank, AtomicLong rejected) {
    CompletableFuture<ServerBinding> binding = new CompletableFuture<>();
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
    AtomicLong rejected = new AtomicLong();
    CompletableFuture<Channel> done = new CompletableFuture<>();
    EmbeddedChannel server = server(SECRET, serverAccepted, rejected);
    EmbeddedChannel client = client(SECRET, done, clientAccepted);
    shuttle(client, server);
    assertEquals(1, serverAccepted.get(), "the server accepted rank 1");
    assertEquals(0, clientAccepted.get(), "the client accepted rank 0");
    assertTrue(done.isDone() && !done.isCompletedExceptionally());
    assertEquals(0, rejected.get());
  }

  @Test
  void aClientWithAnotherSecretRefusesTheServerAndIsNeverAccepted() {
    AtomicInteger serverAccepted = new AtomicInteger(-1);
    AtomicInteger clientAccepted = new AtomicInteger(-1);
    AtomicLong rejected = new AtomicLong();
    CompletableFuture<Channel> done = new CompletableFuture<>();
    EmbeddedChannel server = server(SECRET, serverAccepted, rejected);
    EmbeddedChannel client = client("another-secret".getBytes(StandardCharsets.US_ASCII), done, clientAccepted);
    shuttle(client, server);
    assertEquals(-1, serverAccepted.get());
    assertEquals(-1, clientAccepted.get());
    assertTrue(done.isCompletedExceptionally(), "the client saw that the server does not know its secret");
    assertFalse(client.isOpen());
  }
}
