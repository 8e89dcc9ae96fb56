package io.ringtrain.allreduce.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.ringtrain.allreduce.RingTls;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * What the TLS engine alone costs a rank: the time one thread takes to encrypt (wrap) and then
 * decrypt (unwrap) a number of bytes through a client and server engine of the ring's own {@link
 * RingTls} set-up, handshaken with each other in this JVM, in 16 KiB records (TLS's largest) between
 * direct buffers, as the ring's connections run them. That is the cipher plus the copies the engine
 * makes inside (BoringSSL seals and opens records in its own buffers), and nothing of Netty's
 * pipeline or the kernel: the part of TLS's price no change to the ring can remove.
 */
final class TlsEngineCost {
  private static final int RECORD_BYTES = 16 << 10;

  private TlsEngineCost() {}

  /**
   * Milliseconds to wrap and unwrap {@code bytes}: the fastest of {@code rounds} rounds (the host is
   * shared). Each round checks that what was unwrapped is what was wrapped.
   */
  static double wrapAndUnwrapMillis(RingTls tls, int bytes, int rounds) throws SSLException {
    SslHandler client = tls.clientHandler(ByteBufAllocator.DEFAULT);
    SslHandler server = tls.serverHandler(ByteBufAllocator.DEFAULT);
    try {
      SSLEngine sender = client.engine(), receiver = server.engine();
      handshake(sender, receiver);
      ByteBuffer plain = ByteBuffer.allocateDirect(bytes);
      for (int i = 0; i < bytes; i++) plain.put(i, (byte) (i * 31 + (i >>> 13)));
      ByteBuffer sealed = ByteBuffer.allocateDirect(bytes + (bytes / RECORD_BYTES + 1) * sender.getSession().getPacketBufferSize());
      ByteBuffer opened = ByteBuffer.allocateDirect(bytes + receiver.getSession().getApplicationBufferSize());
      double best = Double.MAX_VALUE;
      for (int round = 0; round < rounds; round++) {
        plain.clear();
        sealed.clear();
        opened.clear();
        long start = System.nanoTime();
        while (plain.hasRemaining()) {
          ByteBuffer record = plain.slice().limit(Math.min(RECORD_BYTES, plain.remaining()));
          check(sender.wrap(record, sealed), "wrap");
          plain.position(plain.position() + record.position());
        }
        sealed.flip();
        while (sealed.hasRemaining()) check(receiver.unwrap(sealed, opened), "unwrap");
        best = Math.min(best, (System.nanoTime() - start) / 1e6);
        if (!opened.flip().equals(plain.flip())) throw new IllegalStateException("the " + bytes + " bytes unwrapped (" + opened.remaining() + ") differ from those wrapped");
      }
      return best;
    } finally {
      ReferenceCountUtil.release(client.engine());
      ReferenceCountUtil.release(server.engine());
    }
  }

  private static void check(SSLEngineResult result, String what) {
    if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesConsumed() == 0) {
      throw new IllegalStateException(what + " did not progress: " + result);
    }
  }

  /** Runs both engines' handshake against each other in memory. */
  private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
    int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
    ByteBuffer toServer = ByteBuffer.allocateDirect(packet), toClient = ByteBuffer.allocateDirect(packet);
    ByteBuffer sink = ByteBuffer.allocateDirect(Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize()));
    ByteBuffer nothing = ByteBuffer.allocateDirect(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int leg = 0; leg < 100; leg++) {
      if (done(client) && done(server)) return;
      client.wrap(nothing, toServer);
      toServer.flip();
      server.unwrap(toServer, sink);
      toServer.compact();
      runTasks(server);
      server.wrap(nothing, toClient);
      toClient.flip();
      client.unwrap(toClient, sink);
      toClient.compact();
      runTasks(client);
      sink.clear();
    }
    throw new IllegalStateException("the in-memory TLS handshake did not finish: client " + client.getHandshakeStatus() + ", server " + server.getHandshakeStatus());
  }

  private static boolean done(SSLEngine engine) {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
  }

  private static void runTasks(SSLEngine engine) {
    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) task.run();
  }
}
