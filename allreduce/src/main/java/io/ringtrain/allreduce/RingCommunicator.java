package io.ringtrain.allreduce;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.ringtrain.allreduce.auth.ClientAuthHandler;
import io.ringtrain.allreduce.auth.Handshake;
import io.ringtrain.allreduce.auth.PeerAcceptor;
import io.ringtrain.allreduce.auth.RingIdentity;
import io.ringtrain.allreduce.auth.ServerBinding;
import io.ringtrain.allreduce.ring.CollectiveRun;
import io.ringtrain.allreduce.ring.DisseminationBarrier;
import io.ringtrain.allreduce.ring.ElementBuffer;
import io.ringtrain.allreduce.ring.ElementBuffers;
import io.ringtrain.allreduce.ring.RecursiveDoublingAllReduce;
import io.ringtrain.allreduce.ring.Ring;
import io.ringtrain.allreduce.ring.RingAllGather;
import io.ringtrain.allreduce.ring.RingAllReduce;
import io.ringtrain.allreduce.ring.TreeBroadcast;
import io.ringtrain.allreduce.transport.CollectiveHeader;
import io.ringtrain.allreduce.transport.CollectiveKind;
import io.ringtrain.allreduce.transport.ElementType;
import io.ringtrain.allreduce.transport.FrameReadAllocator;
import io.ringtrain.allreduce.transport.PeerLink;
import io.ringtrain.allreduce.transport.PeerPipeline;
import io.ringtrain.allreduce.transport.Transport;
import io.ringtrain.allreduce.transport.WireFormat;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A {@link Communicator} over Netty: authenticated TCP connections to every other rank (one, or
 * {@link CommunicatorConfig#connectionsPerPeer} with the ring's frames striped across them;
 * higher ranks dial lower ones), ring reduce-scatter + all-gather for large all-reduces, recursive
 * doubling for small ones, a binomial tree for broadcast, a ring for allGather and a
 * dissemination barrier.
 *
 * <p>Collectives run one at a time, in issue order: a blocking call with nothing queued runs on
 * the caller's thread, everything else on one collective thread per communicator. Netty's I/O
 * threads only frame, decode and queue bytes, so the float arithmetic (SIMD) never holds up the
 * network. Build with {@link #create} (binds this rank's {@code host:port} from the
 * peers list) or, when ports are assigned at run time, {@link RingServer#bind} then {@link
 * #connect}.
 */
public final class RingCommunicator implements Communicator {
  /** The operation a {@link CollectiveFailure} names while the ring is being built. */
  static final String CONNECT = "connect";
  private final CommunicatorConfig config;
  private final RingServer server;
  private final Ring ring;
  private final ExecutorService collectiveThread;
  /** Held while a collective runs, on whichever thread runs it. */
  private final java.util.concurrent.locks.ReentrantLock running = new java.util.concurrent.locks.ReentrantLock();
  private final java.util.concurrent.atomic.AtomicLong blockedNanos = new java.util.concurrent.atomic.AtomicLong();
  private long nextSequence;
  private int queued; // submitted to the collective thread and not finished
  private boolean closed;

  private RingCommunicator(CommunicatorConfig config, RingServer server, Ring ring) {
    this.config = config;
    this.server = server;
    this.ring = ring;
    this.collectiveThread =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "ringtrain-collective-r" + config.rank());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Binds this rank's {@code host:port} from the peers list, then connects (see {@link #connect}). */
  public static RingCommunicator create(CommunicatorConfig config) {
    String me = config.peers().get(config.rank());
    RingServer server =
        RingServer.bind(config.bindAddress(), CommunicatorConfig.port(me), config.ioThreads(), config.handshakeTimeout(), config.tls());
    try {
      return connect(server, config);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Builds the ring on an already bound server (which the communicator then owns and closes):
   * dials every lower rank, waits for every higher rank, each connection authenticated. Blocks
   * until all (W−1)·K connections are up or the timeout passes.
   */
  public static RingCommunicator connect(RingServer server, CommunicatorConfig config) {
    if (server.tls() != config.tls()) {
      throw new IllegalArgumentException("rank " + config.rank() + ": the server was bound " + (server.tls() == null ? "without" : "with")
          + " TLS but the communicator config has " + (config.tls() == null ? "none" : "a different TLS set-up")
          + "; pass the same RingTls to RingServer.bind and CommunicatorConfig.optTls");
    }
    Ring ring = new Ring(config);
    RingCommunicator communicator = new RingCommunicator(config, server, ring);
    RingIdentity identity =
        new RingIdentity(config.rank(), config.worldSize(), config.generation(), config.secret(), Handshake.Purpose.RING, config.connectionsPerPeer());
    int maxFrameBytes = WireFormat.maxFrameBytes(config.segmentBytes());
    PeerAcceptor acceptor =
        new PeerAcceptor() {
          @Override
          public boolean accept(int peer, Channel channel) {
            return accept(peer, 0, channel);
          }

          @Override
          public boolean accept(int peer, int connection, Channel channel) {
            PeerLink link = ring.link(peer);
            if (link == null || connection < 0 || connection >= link.connections() || link.isAttached(connection)) return false;
            PeerPipeline.promote(channel, maxFrameBytes, config.generation(), link, connection, ring);
            return ring.attach(peer, connection, channel);
          }
        };
    server.arm(new ServerBinding(identity, acceptor));
    long deadline = System.nanoTime() + config.connectTimeout().toNanos();
    try {
      for (int lower = 0; lower < config.rank(); lower++) {
        for (int connection = 0; connection < config.connectionsPerPeer(); connection++) {
          dial(server, config, identity, acceptor, lower, connection, deadline);
        }
      }
      long remaining = deadline - System.nanoTime();
      if (!ring.connected().await(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
        throw new CollectiveException(
            "rank " + config.rank() + " has no authenticated connection from ranks " + ring.unconnectedRanks()
                + " after " + config.connectTimeout().toMillis() + " ms: check that they started with the same peers list, "
                + "job secret, generation and connectionsPerPeer, and that " + config.peers().get(config.rank()) + " is reachable from them",
            new CollectiveFailure(ring.unconnectedRanks().isEmpty() ? -1 : ring.unconnectedRanks().get(0), CONNECT, -1, CollectiveFailure.Reason.TIMEOUT));
      }
      return communicator;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      communicator.close();
      throw new CollectiveException("interrupted while connecting rank " + config.rank(), e);
    } catch (RuntimeException e) {
      communicator.close();
      throw e;
    }
  }

  private static void dial(
      RingServer server, CommunicatorConfig config, RingIdentity identity, PeerAcceptor acceptor, int peer, int connection, long deadline)
      throws InterruptedException {
    String target = config.peers().get(peer);
    String host = CommunicatorConfig.host(target);
    int port = CommunicatorConfig.port(target);
    Throwable lastError = null;
    Throwable lastAnswer = null; // the peer's own answer to a handshake (a refusal, a close), if any
    while (System.nanoTime() < deadline) {
      long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      CompletableFuture<Channel> authenticated = new CompletableFuture<>();
      Bootstrap bootstrap =
          Transport.limitUnsent(new Bootstrap())
              .group(server.ioThreads())
              .channel(Transport.channelClass())
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.SO_SNDBUF, Transport.SOCKET_BUFFER_BYTES)
              .option(ChannelOption.SO_RCVBUF, Transport.SOCKET_BUFFER_BYTES)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(remainingMillis, 10_000))
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.config().setRecvByteBufAllocator(new FrameReadAllocator());
                      if (config.tls() != null) ch.pipeline().addLast(PeerPipeline.TLS, config.tls().clientHandler(ch.alloc()));
                      ch.pipeline().addLast(PeerPipeline.FRAME, Handshake.newFrameDecoder());
                      ch.pipeline().addLast(PeerPipeline.AUTH, new ClientAuthHandler(identity, peer, connection, acceptor, authenticated));
                    }
                  });
      ChannelFuture connecting = bootstrap.connect(host, port);
      try {
        if (!connecting.await(remainingMillis) || !connecting.isSuccess()) {
          lastError = connecting.cause();
          connecting.channel().close();
        } else {
          authenticated.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
          return;
        }
      } catch (ExecutionException e) {
        lastError = e.getCause();
        lastAnswer = lastError;
        connecting.channel().close();
      } catch (TimeoutException e) {
        lastError = new TimeoutException("no answer to the handshake");
        connecting.channel().close();
      }
      Thread.sleep(100); // the peer may not listen yet: retry until the deadline
    }
    // The peer's answer says why (a different connectionsPerPeer, generation or secret); what a later
    // try met (the deadline cutting its handshake short, the peer gone by then) would hide it.
    throw new CollectiveException(
        "rank " + config.rank() + " could not connect to rank " + peer + " at " + target + " within "
            + config.connectTimeout().toMillis() + " ms; " + (lastAnswer != null ? lastAnswer.getMessage() : "last error: " + lastError),
        new CollectiveFailure(peer, CONNECT, -1, CollectiveFailure.Reason.TIMEOUT));
  }

  @Override public int rank() { return config.rank(); }
  @Override public int worldSize() { return config.worldSize(); }

  /** Connections closed during the handshake on this rank's port (wrong secret, garbage...). */
  public long rejectedConnections() {
    return server.rejectedConnections();
  }

  /**
   * Segments received straight into the caller's memory so far (the all-gather of a {@link
   * DirectFloats} all-reduce, without TLS), instead of into a frame buffer and then copied.
   */
  public long segmentsReceivedInPlace() {
    long placed = 0;
    for (int peer = 0; peer < worldSize(); peer++) {
      if (ring.link(peer) != null) placed += ring.link(peer).placedPayloads();
    }
    return placed;
  }

  /** The authenticated connection to {@code peer}, or null (tests inspect its pipeline). */
  io.netty.channel.Channel channelTo(int peer) {
    return ring.link(peer) == null ? null : ring.link(peer).channel();
  }

  /** Connection {@code connection} to {@code peer}, or null (tests inspect the striping). */
  io.netty.channel.Channel channelTo(int peer, int connection) {
    return ring.link(peer) == null ? null : ring.link(peer).channel(connection);
  }

  /** The port this rank listens on. */
  public int boundPort() {
    return server.boundPort();
  }

  @Override
  public void allReduce(float[] buf, ReduceOp op) {
    blocking(() -> allReduce(ElementBuffers.of(buf, ring), op, true));
  }

  @Override
  public void allReduce(double[] buf, ReduceOp op) {
    blocking(() -> allReduce(ElementBuffers.of(buf, ring), op, true));
  }

  @Override
  public void allReduce(FloatBuffer buf, ReduceOp op) {
    blocking(() -> allReduce(ElementBuffers.of(buf, ring), op, true));
  }

  @Override
  public void allReduce(DirectFloats buf, ReduceOp op) {
    blocking(() -> allReduce(ElementBuffers.of(buf, ring), op, true));
  }

  @Override
  public CompletableFuture<Void> allReduceAsync(DirectFloats buf, ReduceOp op) {
    return allReduce(ElementBuffers.of(buf, ring), op, false);
  }

  @Override
  public CompletableFuture<Void> allReduceAsync(float[] buf, ReduceOp op) {
    return allReduce(ElementBuffers.of(buf, ring), op, false);
  }

  @Override
  public CompletableFuture<Void> allReduceAsync(float[] buf, ReduceOp op, Compression compression) {
    return allReduce(ElementBuffers.of(buf, ring, compression), op, false);
  }

  @Override
  public CompletableFuture<Void> allReduceAsync(double[] buf, ReduceOp op) {
    return allReduce(ElementBuffers.of(buf, ring), op, false);
  }

  private CompletableFuture<Void> allReduce(ElementBuffer buffer, ReduceOp op, boolean blocking) {
    long bytes = (long) buffer.length() * buffer.type().width();
    boolean small = bytes <= config.smallBufferBytes();
    CollectiveKind kind = small ? CollectiveKind.ALL_REDUCE_RECURSIVE_DOUBLING : CollectiveKind.ALL_REDUCE_RING;
    return submit(kind, op, buffer.type(), buffer.length(), true, blocking, run -> {
      if (small) RecursiveDoublingAllReduce.run(run, buffer, op);
      else RingAllReduce.run(run, buffer, op);
      return null;
    });
  }

  @Override
  public void broadcast(float[] buf, int root) {
    checkRoot(root);
    ElementBuffer buffer = ElementBuffers.of(buf, ring);
    blocking(() -> submit(CollectiveKind.BROADCAST, null, buffer.type(), buf.length, true, true, run -> {
      TreeBroadcast.run(run, buffer, root);
      return null;
    }));
  }

  @Override
  public void broadcast(double[] buf, int root) {
    checkRoot(root);
    ElementBuffer buffer = ElementBuffers.of(buf, ring);
    blocking(() -> submit(CollectiveKind.BROADCAST, null, buffer.type(), buf.length, true, true, run -> {
      TreeBroadcast.run(run, buffer, root);
      return null;
    }));
  }

  @Override
  public byte[] broadcast(byte[] bytes, int root) {
    checkRoot(root);
    if (root == rank() && bytes == null) throw new IllegalArgumentException("rank " + root + " is the broadcast root but passed no bytes");
    long count = root == rank() ? bytes.length : -1;
    return blocking(() -> submit(CollectiveKind.BROADCAST, null, ElementType.BYTES, count, false, true, run -> TreeBroadcast.runBytes(run, bytes, root)));
  }

  @Override
  public List<byte[]> allGather(byte[] mine) {
    if (mine == null) throw new IllegalArgumentException("allGather needs this rank's bytes (an empty array is fine), not null");
    return blocking(() -> submit(CollectiveKind.ALL_GATHER, null, ElementType.BYTES, mine.length, false, true, run -> RingAllGather.run(run, mine)));
  }

  @Override
  public void barrier() {
    blocking(() -> submit(CollectiveKind.BARRIER, null, ElementType.NONE, 0, true, true, run -> {
      DisseminationBarrier.run(run);
      return null;
    }));
  }

  private void checkRoot(int root) {
    if (root < 0 || root >= worldSize()) {
      throw new IllegalArgumentException("broadcast root " + root + " is not a rank of this ring (0.." + (worldSize() - 1) + ")");
    }
  }

  /**
   * Numbers the collective and runs it after every collective issued before it: numbering and
   * queueing happen under one monitor, so issue order is run order. A blocking call that finds
   * nothing queued runs on the caller's thread (saving two thread hand-offs, which matter for
   * small buffers); everything else goes to the collective thread.
   */
  private <T> CompletableFuture<T> submit(
      CollectiveKind kind, ReduceOp op, ElementType type, long count, boolean countChecked, boolean blocking,
      Function<CollectiveRun, T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CollectiveHeader header;
    synchronized (this) {
      header = new CollectiveHeader(config.generation(), nextSequence, kind, op, type, count, countChecked);
      if (closed) {
        result.completeExceptionally(new CollectiveException(header + " on rank " + rank() + ": the communicator is closed",
            new CollectiveFailure(rank(), header.kind().operation(), header.sequence(), CollectiveFailure.Reason.LOCAL_ERROR)));
        return result;
      }
      nextSequence++;
      // running is free whenever nothing is queued: queued tasks unlock before they count down
      boolean inline = blocking && queued == 0 && running.tryLock();
      if (!inline) {
        queued++;
        try {
          collectiveThread.execute(() -> {
            running.lock();
            try {
              runCollective(header, body, result);
            } finally {
              running.unlock();
              synchronized (this) {
                queued--;
              }
            }
          });
        } catch (RejectedExecutionException e) {
          queued--;
          result.completeExceptionally(new CollectiveException(header + " on rank " + rank() + ": the communicator is closed",
            new CollectiveFailure(rank(), header.kind().operation(), header.sequence(), CollectiveFailure.Reason.LOCAL_ERROR)));
        }
        return result;
      }
    }
    // inline, outside the monitor so that other threads can queue collectives behind this one
    try {
      runCollective(header, body, result);
    } finally {
      running.unlock();
    }
    return result;
  }

  private <T> void runCollective(CollectiveHeader header, Function<CollectiveRun, T> body, CompletableFuture<T> result) {
    CollectiveRun run = new CollectiveRun(ring, header);
    CollectiveException earlier = run.failureIfAny();
    if (earlier != null) {
      result.completeExceptionally(earlier);
      return;
    }
    try {
      result.complete(body.apply(run));
    } catch (CollectiveException e) {
      ring.fail(e);
      result.completeExceptionally(e);
    } catch (Throwable t) {
      CollectiveException failure =
          new CollectiveException(header + " on rank " + rank() + " failed: " + t, run.failureOf(rank(), CollectiveFailure.Reason.LOCAL_ERROR), t);
      ring.fail(failure);
      result.completeExceptionally(failure);
    }
  }

  /** Runs a blocking collective, counting the time the caller spends in it ({@link #blockedNanos}). */
  private <T> T blocking(java.util.function.Supplier<CompletableFuture<T>> collective) {
    long start = System.nanoTime();
    try {
      return await(collective.get());
    } finally {
      blockedNanos.addAndGet(System.nanoTime() - start);
    }
  }

  @Override
  public long blockedNanos() {
    return blockedNanos.get();
  }

  @Override
  public long sendStallNanos() {
    return ring.sendStallNanos();
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof CollectiveException failure) {
        // Rethrown with the caller's stack; the collective thread's stack is the cause.
        throw new CollectiveException(failure.getMessage(), failure);
      }
      throw e;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    ring.close();
    collectiveThread.shutdown();
    try {
      collectiveThread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
  }
}
