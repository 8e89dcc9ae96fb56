package io.ringtrain.allreduce.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Native epoll where Netty's Linux library loads (fewer copies and wake-ups than NIO), NIO
 * elsewhere or when {@code -Dringtrain.allreduce.nio=true}. I/O threads are daemons: a ring that
 * was never closed does not keep its JVM alive.
 */
public final class Transport {
  private static final boolean EPOLL = !Boolean.getBoolean("ringtrain.allreduce.nio") && epollAvailable();

  /** Kernel socket buffers (4 MiB): room for every segment in flight, so a writer rarely waits for the reader. */
  public static final int SOCKET_BUFFER_BYTES = 4 << 20;

  /**
   * Bytes a ring socket may hold that TCP has not sent yet (TCP_NOTSENT_LOWAT; epoll only). Beyond
   * them the socket takes no more, so a frame counts as written once the link, not just the kernel
   * buffer, has taken it: without this limit a step's gradients of a small model fit in the socket
   * buffer at once and a rank behind a slow link never shows a send stall ({@link
   * PeerConnection#sendStallNanos}). 512 KiB is a few milliseconds of a 1 Gbit/s link, so a writer
   * still keeps a fast link busy from Netty's own queue.
   */
  public static final long UNSENT_BYTES = 512 << 10;

  private Transport() {}

  /** Sets {@link #UNSENT_BYTES} on the connections this bootstrap dials (epoll only). */
  public static Bootstrap limitUnsent(Bootstrap bootstrap) {
    return EPOLL ? bootstrap.option(EpollChannelOption.TCP_NOTSENT_LOWAT, UNSENT_BYTES) : bootstrap;
  }

  /** Sets {@link #UNSENT_BYTES} on the connections this server accepts (epoll only). */
  public static ServerBootstrap limitUnsent(ServerBootstrap bootstrap) {
    return EPOLL ? bootstrap.childOption(EpollChannelOption.TCP_NOTSENT_LOWAT, UNSENT_BYTES) : bootstrap;
  }

  private static boolean epollAvailable() {
    try {
      return Epoll.isAvailable();
    } catch (Throwable notLoadable) {
      return false;
    }
  }

  /**
   * Read buffers where frames are not read in place ({@link FrameReadAllocator}: during the
   * handshake, and under TLS): up to 1 MiB (Netty's default stops at 64 KiB), so a segment arrives
   * in one or a few reads instead of sixteen.
   */
  public static RecvByteBufAllocator receiveBuffers() {
    // 64 reads per wake-up rather than 16: reading frames in place takes two reads a frame
    return new AdaptiveRecvByteBufAllocator(4096, 64 << 10, 1 << 20).maxMessagesPerRead(64);
  }

  public static String name() {
    return EPOLL ? "epoll" : "nio";
  }

  public static EventLoopGroup newEventLoopGroup(int threads, String threadNamePrefix) {
    IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadNamePrefix, true), io);
  }

  public static Class<? extends ServerChannel> serverChannelClass() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Class<? extends SocketChannel> channelClass() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
