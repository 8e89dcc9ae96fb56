package io.ringtrain.allreduce;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.ringtrain.allreduce.auth.Handshake;
import io.ringtrain.allreduce.auth.PendingBinding;
import io.ringtrain.allreduce.auth.Rejections;
import io.ringtrain.allreduce.auth.ServerAuthHandler;
import io.ringtrain.allreduce.auth.ServerBinding;
import io.ringtrain.allreduce.transport.FrameReadAllocator;
import io.ringtrain.allreduce.transport.PeerPipeline;
import io.ringtrain.allreduce.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The listening half of a rank, bound before the ring is known so that a task can learn its port
 * (bind to port 0), publish {@code host:port} (Spark's barrier allGather, say), then build its
 * {@link RingCommunicator} with {@link RingCommunicator#connect}. Connections that arrive in
 * between wait, unanswered, until then (or until the handshake timeout); at most {@link
 * #MAX_WAITING_HANDSHAKES} wait at once, and a HELLO beyond that is rejected.
 *
 * <p>The server binds to the address given, never to the wildcard unless that is what was
 * given. It owns the I/O threads the communicator uses.
 */
public final class RingServer implements AutoCloseable {
  public static final int DEFAULT_IO_THREADS = 2;
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  /** Far more than the W−1 peers that may dial a rank before its communicator is built. */
  public static final int MAX_WAITING_HANDSHAKES = 1024;

  private final EventLoopGroup ioThreads;
  private final PendingBinding binding = new PendingBinding(MAX_WAITING_HANDSHAKES);
  private final Rejections rejections = new Rejections();
  private final RingTls tls;
  private Channel listener;

  private RingServer(EventLoopGroup ioThreads, RingTls tls) {
    this.ioThreads = ioThreads;
    this.tls = tls;
  }

  /** Binds {@code address:port} (port 0: any free port, see {@link #boundPort()}). */
  public static RingServer bind(InetAddress address, int port) {
    return bind(address, port, DEFAULT_IO_THREADS, DEFAULT_HANDSHAKE_TIMEOUT);
  }

  public static RingServer bind(InetAddress address, int port, int ioThreads, Duration handshakeTimeout) {
    return bind(address, port, ioThreads, handshakeTimeout, null);
  }

  /** As {@link #bind(InetAddress, int, int, Duration)}; with {@code tls} non-null every connection is TLS first. */
  public static RingServer bind(InetAddress address, int port, int ioThreads, Duration handshakeTimeout, RingTls tls) {
    RingServer server = new RingServer(Transport.newEventLoopGroup(ioThreads, "ringtrain-io"), tls);
    ServerBootstrap bootstrap =
        Transport.limitUnsent(new ServerBootstrap())
            .group(server.ioThreads)
            .channel(Transport.serverChannelClass())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_SNDBUF, Transport.SOCKET_BUFFER_BYTES)
            .childOption(ChannelOption.SO_RCVBUF, Transport.SOCKET_BUFFER_BYTES)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.config().setRecvByteBufAllocator(new FrameReadAllocator());
                    if (tls != null) ch.pipeline().addLast(PeerPipeline.TLS, tls.serverHandler(ch.alloc()));
                    ch.pipeline().addLast(PeerPipeline.FRAME, Handshake.newFrameDecoder());
                    ch.pipeline()
                        .addLast(PeerPipeline.AUTH, new ServerAuthHandler(server.binding, handshakeTimeout, server.rejections));
                  }
                });
    try {
      server.listener = bootstrap.bind(new InetSocketAddress(address, port)).sync().channel();
      return server;
    } catch (Exception e) {
      server.ioThreads.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "cannot listen on " + address.getHostAddress() + ":" + port + ": " + e
              + " (is the port in use, or the address not one of this host's?)", e);
    }
  }

  public int boundPort() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  public InetSocketAddress boundAddress() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** Connections closed during the handshake (wrong secret, garbage, timeouts...) so far. */
  public long rejectedConnections() {
    return rejections.count();
  }

  /** The TLS set-up of this server's connections, or null for plain TCP. */
  public RingTls tls() {
    return tls;
  }

  EventLoopGroup ioThreads() {
    return ioThreads;
  }

  /** Called once by the communicator: from now on handshakes are answered. */
  void arm(ServerBinding ringBinding) {
    if (!binding.complete(ringBinding)) {
      throw new IllegalStateException("this RingServer already belongs to a communicator; bind one server per communicator");
    }
  }

  @Override
  public void close() {
    binding.fail(new IllegalStateException("server closed"));
    listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    ioThreads.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
