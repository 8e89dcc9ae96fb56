package io.ringtrain.jobs.progress;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.ringtrain.allreduce.auth.ClientAuthHandler;
import io.ringtrain.allreduce.auth.Handshake;
import io.ringtrain.allreduce.auth.RingIdentity;
import io.ringtrain.allreduce.transport.Transport;
import io.ringtrain.trainer.loop.JsonLinesMetrics;
import io.ringtrain.trainer.loop.TrainingListener;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Rank 0's end of the progress channel: connects and proves the job key ({@link Handshake},
 * purpose {@link Handshake.Purpose#PROGRESS}, the server proving it back) within {@link
 * #DEADLINE}, then forwards step and epoch reports as JSON lines. Progress is a convenience and
 * never holds up training: the constructor returns by the deadline whatever the driver does,
 * writes never block (a line that finds more than {@value #MAX_PENDING_BYTES} bytes still unsent
 * is dropped and counted), and if the driver cannot be reached or the channel breaks, training
 * goes on and one warning says so.
 *
 * <p>Not thread-safe: the training thread reports; the channel's own I/O thread sends.
 */
public final class ProgressClient implements TrainingListener, AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(10);
    static final int MAX_PENDING_BYTES = 256 * 1024;
    private static final String NO_PROGRESS = "; training continues without progress reports";
    private static final Logger LOG = Logger.getLogger(ProgressClient.class.getName());
    private static final com.fasterxml.jackson.databind.ObjectMapper CHECKPOINT_LINE = new com.fasterxml.jackson.databind.ObjectMapper();
    private final String hostPort;
    private final EventLoopGroup ioThread = Transport.newEventLoopGroup(1, "ringtrain-progress-client");
    private final StringWriter pending = new StringWriter();
    private final JsonLinesMetrics lines = new JsonLinesMetrics(pending);
    private final Channel channel;
    private long droppedLines;
    private boolean warned;

    public ProgressClient(String hostPort, byte[] secret) {
        this(hostPort, secret, DEADLINE);
    }

    /** {@code deadline}: for the connection and the handshake together. */
    ProgressClient(String hostPort, byte[] secret, Duration deadline) {
        this.hostPort = hostPort;
        Channel connected = null;
        ChannelFuture connecting = null;
        try {
            int colon = hostPort.lastIndexOf(':');
            String host = hostPort.substring(0, colon);
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            CompletableFuture<Channel> authenticated = new CompletableFuture<>();
            RingIdentity task = new RingIdentity(ProgressServer.TASK_RANK, 2, 0, secret, Handshake.Purpose.PROGRESS);
            Bootstrap bootstrap = new Bootstrap()
                    .group(ioThread)
                    .channel(Transport.channelClass())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, deadline.toMillis()))
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(MAX_PENDING_BYTES / 4, MAX_PENDING_BYTES))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast("frame", Handshake.newFrameDecoder());
                            ch.pipeline().addLast("auth", new ClientAuthHandler(task, ProgressServer.DRIVER_RANK, (rank, authenticatedChannel) -> {
                                authenticatedChannel.pipeline().remove("auth");
                                authenticatedChannel.pipeline().remove("frame");
                                return true;
                            }, authenticated));
                        }
                    });
            connecting = bootstrap.connect(host, port);
            connecting.addListener(f -> {
                if (!f.isSuccess()) authenticated.completeExceptionally(f.cause());
            });
            connected = authenticated.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            warnOnce("the driver at " + hostPort + " did not complete the progress handshake within " + deadline.toMillis() + " ms" + NO_PROGRESS);
        } catch (ExecutionException e) {
            warnOnce("cannot report progress to the driver at " + hostPort + " (" + e.getCause().getMessage() + ")" + NO_PROGRESS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            warnOnce("interrupted while connecting to the driver at " + hostPort + NO_PROGRESS);
        } catch (RuntimeException e) {
            warnOnce("cannot report progress to the driver at " + hostPort + " (" + e + ")" + NO_PROGRESS);
        }
        if (connected == null) {
            if (connecting != null) connecting.channel().close();
            ioThread.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        this.channel = connected;
    }

    /** Whether the handshake with the driver succeeded (lines are sent). */
    boolean connected() {
        return channel != null;
    }

    /** Lines not sent: the driver read too slowly, or the channel was down. */
    long droppedLines() {
        return droppedLines;
    }

    @Override
    public void onStep(StepReport r) {
        lines.onStep(r);
        send();
    }

    @Override
    public void onEpochEnd(EpochReport r) {
        lines.onEpochEnd(r);
        send();
    }

    @Override
    public void onResume(long globalStep, String how) {
        lines.onResume(globalStep, how);
        send();
    }

    /**
     * {@code {"type":"checkpoint","global_step":N}}: the driver writes metrics.jsonl on receipt, so
     * a driver killed after this checkpoint leaves the step lines it covers in the file (a rerun
     * resumes after them).
     */
    @Override
    public void onCheckpoint(long globalStep, String location) {
        pending.write(CHECKPOINT_LINE.createObjectNode().put("type", "checkpoint").put("global_step", globalStep) + "\n");
        send();
    }

    /** Sends what {@link #lines} wrote to {@link #pending}, or drops it; never waits for the network. */
    private void send() {
        String text = pending.toString();
        pending.getBuffer().setLength(0);
        if (channel == null) return;
        if (!channel.isActive()) {
            droppedLines++;
            warnOnce("the progress channel to the driver at " + hostPort + " closed" + NO_PROGRESS);
        } else if (!channel.isWritable()) {
            droppedLines++;
            warnOnce("the driver at " + hostPort + " reads progress more slowly than it comes; lines are dropped while it lags"
                    + " (training continues)");
        } else {
            ByteBuf bytes = channel.alloc().buffer(text.length());
            bytes.writeCharSequence(text, StandardCharsets.UTF_8);
            channel.writeAndFlush(bytes); // a failed write shows as an inactive channel at the next line
        }
    }

    /** The one warning of this client: what went wrong with the progress channel. */
    private void warnOnce(String line) {
        if (warned) return;
        warned = true;
        LOG.warning(line);
    }

    @Override
    public void close() {
        if (channel != null) channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        ioThread.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
