package io.ringtrain.allreduce;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * W ranks in this JVM, each with its own server on 127.0.0.1 (ephemeral port) and its own
 * threads, connected over real loopback sockets. {@link #onEveryRank} runs one body per rank in
 * parallel, as W processes would.
 */
public final class LoopbackRing implements AutoCloseable {
  public static final byte[] SECRET = "test-job-secret-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Generous for a loaded 2-core machine, where a JVM warming up can take seconds to answer. */
  public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

  private final List<RingCommunicator> ranks;
  private final ExecutorService threads;

  private LoopbackRing(List<RingCommunicator> ranks, ExecutorService threads) {
    this.ranks = ranks;
    this.threads = threads;
  }

  public static LoopbackRing start(int world) {
    return start(world, b -> b);
  }

  /** {@code options} adjusts each rank's builder (peers, rank and secret are already set). */
  public static LoopbackRing start(int world, UnaryOperator<CommunicatorConfig.Builder> options) {
    ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-rank");
      t.setDaemon(true);
      return t;
    });
    List<RingServer> servers = new ArrayList<>();
    List<String> peers = new ArrayList<>();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int r = 0; r < world; r++) {
      RingServer server = RingServer.bind(loopback, 0, 1, HANDSHAKE_TIMEOUT);
      servers.add(server);
      peers.add(loopback.getHostAddress() + ":" + server.boundPort());
    }
    List<Future<RingCommunicator>> connecting = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      int rank = r;
      CommunicatorConfig config =
          options.apply(
                  CommunicatorConfig.builder().setPeers(peers).setRank(rank).setSecret(SECRET).optTimeout(Duration.ofSeconds(20)).optConnectTimeout(Duration.ofSeconds(30)))
              .build();
      connecting.add(threads.submit(() -> RingCommunicator.connect(servers.get(rank), config)));
    }
    List<RingCommunicator> ranks = new ArrayList<>();
    for (Future<RingCommunicator> f : connecting) ranks.add(get(f));
    return new LoopbackRing(ranks, threads);
  }

  public RingCommunicator rank(int r) {
    return ranks.get(r);
  }

  public int worldSize() {
    return ranks.size();
  }

  /** Runs {@code body} on every rank at once; returns the results by rank, or rethrows the first failure. */
  public <T> List<T> onEveryRank(Function<RingCommunicator, T> body) {
    List<Future<T>> running = new ArrayList<>();
    for (RingCommunicator rank : ranks) running.add(threads.submit(() -> body.apply(rank)));
    List<T> results = new ArrayList<>();
    for (Future<T> f : running) results.add(get(f));
    return results;
  }

  /** Runs {@code body} on every rank at once and returns what each threw (null where it returned). */
  public List<Throwable> failuresOnEveryRank(Function<RingCommunicator, ?> body) {
    List<Future<?>> running = new ArrayList<>();
    for (RingCommunicator rank : ranks) running.add(threads.submit(() -> body.apply(rank)));
    List<Throwable> failures = new ArrayList<>();
    for (Future<?> f : running) {
      try {
        f.get();
        failures.add(null);
      } catch (ExecutionException e) {
        failures.add(e.getCause());
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    return failures;
  }

  private static <T> T get(Future<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (RingCommunicator rank : ranks) rank.close();
    threads.shutdownNow();
  }
}
