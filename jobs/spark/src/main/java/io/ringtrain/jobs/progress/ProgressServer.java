package io.ringtrain.jobs.progress;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.ringtrain.allreduce.auth.Handshake;
import io.ringtrain.allreduce.auth.PendingBinding;
import io.ringtrain.allreduce.auth.Rejections;
import io.ringtrain.allreduce.auth.RingIdentity;
import io.ringtrain.allreduce.auth.ServerAuthHandler;
import io.ringtrain.allreduce.auth.ServerBinding;
import io.ringtrain.allreduce.transport.Transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The driver's end of the progress channel: rank 0 of a training stage connects, proves the job
 * key with the ring's {@link Handshake} (purpose {@link Handshake.Purpose#PROGRESS}; the driver is
 * rank {@value #DRIVER_RANK} and the reporting task rank {@value #TASK_RANK} of a two-party ring
 * at generation 0) and streams JSON lines, which go to {@code sink}.
 *
 * <p>Bounded against strangers: one I/O thread whatever the number of connections, at most
 * {@value #MAX_CONNECTIONS} connections at once (more are closed at once), a handshake deadline
 * that bytes do not extend, and lines of at most {@value #MAX_LINE_BYTES} bytes; each closed
 * connection is counted ({@link #rejectedConnections()}). Binds to the driver's address (not the
 * wildcard). Nothing reaches the sink before the peer has proved the key; the sink runs on the I/O
 * thread, and what it throws closes nothing and is logged.
 *
 * <p>Between attempts the driver closes every connection ({@link #disconnectAll}): the lines of a
 * failed attempt's rank 0 can still be on their way (held up by TCP behind a cut link, delivered when
 * it comes back), and once the next attempt has begun they would be taken as its own.
 */
public final class ProgressServer implements AutoCloseable {
    static final int DRIVER_RANK = 0;
    static final int TASK_RANK = 1;
    static final int MAX_LINE_BYTES = 64 * 1024;
    static final int MAX_CONNECTIONS = 8;
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(ProgressServer.class.getName());
    private static final String FRAME = "frame", AUTH = "auth";
    private final EventLoopGroup ioThread = Transport.newEventLoopGroup(1, "ringtrain-progress-server");
    private final Rejections rejections = new Rejections();
    private final AtomicInteger open = new AtomicInteger();
    private final ChannelGroup connections = new DefaultChannelGroup("ringtrain-progress-connections", GlobalEventExecutor.INSTANCE);
    private final Channel listener;

    /** {@code onConnected} runs when a peer has proven the key (rank 0 connects once its model and data are ready). */
    public ProgressServer(InetAddress bindAddress, byte[] secret, Consumer<String> sink, Runnable onConnected) throws IOException {
        this(bindAddress, secret, sink, onConnected, HANDSHAKE_TIMEOUT);
    }

    ProgressServer(InetAddress bindAddress, byte[] secret, Consumer<String> sink, Runnable onConnected, Duration handshakeTimeout) throws IOException {
        PendingBinding binding = new PendingBinding(MAX_CONNECTIONS);
        binding.complete(new ServerBinding(new RingIdentity(DRIVER_RANK, 2, 0, secret, Handshake.Purpose.PROGRESS), (rank, ch) -> {
            ch.pipeline().replace(FRAME, FRAME, new LineBasedFrameDecoder(MAX_LINE_BYTES, true, true));
            ch.pipeline().replace(AUTH, "lines", new LineHandler(sink, rejections));
            runQuietly(onConnected, "the on-connected callback");
            return true;
        }));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(ioThread)
                .channel(Transport.serverChannelClass())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (open.incrementAndGet() > MAX_CONNECTIONS) {
                            open.decrementAndGet();
                            try {
                                rejections.record(Rejections.Reason.BUSY, "progress channel: closed " + ch.remoteAddress() + " at once: "
                                        + MAX_CONNECTIONS + " connections are open already");
                            } finally {
                                ch.close();
                            }
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        connections.add(ch);
                        ch.pipeline().addLast(FRAME, Handshake.newFrameDecoder());
                        ch.pipeline().addLast(AUTH, new ServerAuthHandler(binding, handshakeTimeout, rejections));
                    }
                });
        try {
            listener = bootstrap.bind(new InetSocketAddress(bindAddress, 0)).sync().channel();
        } catch (Exception e) {
            ioThread.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + bindAddress.getHostAddress() + ": " + e, e);
        }
    }

    /** {@code host:port} for the tasks. */
    public String address() {
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        return bound.getAddress().getHostAddress() + ":" + bound.getPort();
    }

    /**
     * Closes every connection and returns once they are closed: no line read after this returns
     * comes from a peer connected before it (a new attempt's rank 0 connects anew).
     */
    public void disconnectAll() {
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Connections closed by this server (handshake failures, over the limit, over-long lines) so far. */
    public long rejectedConnections() {
        return rejections.count();
    }

    /** Connections open now, authenticated or not. */
    int openConnections() {
        return open.get();
    }

    private static void runQuietly(Runnable action, String what) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warning("progress channel: " + what + " failed (" + e + "); progress continues");
        }
    }

    /**
     * An authenticated peer's lines to the sink, decoded as UTF-8 (malformed bytes become U+FFFD).
     * A line over the limit closes the connection; nothing the sink throws leaves the I/O thread.
     */
    static final class LineHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final Consumer<String> sink;
        private final Rejections rejections;
        private final AtomicBoolean sinkFailureLogged = new AtomicBoolean();

        LineHandler(Consumer<String> sink, Rejections rejections) {
            this.sink = sink;
            this.rejections = rejections;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
            String text = line.toString(StandardCharsets.UTF_8);
            try {
                sink.accept(text);
            } catch (RuntimeException e) {
                if (sinkFailureLogged.compareAndSet(false, true)) {
                    LOG.warning("progress channel: a line could not be shown (" + e + "); later such failures are not logged");
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            try {
                rejections.record(Rejections.Reason.MALFORMED, "progress channel: closed " + ctx.channel().remoteAddress() + ": "
                        + (cause instanceof TooLongFrameException ? "a line over " + MAX_LINE_BYTES + " bytes" : cause.toString()));
            } finally {
                ctx.close();
            }
        }
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        ioThread.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
