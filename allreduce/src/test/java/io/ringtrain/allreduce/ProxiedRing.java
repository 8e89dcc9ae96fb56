package io.ringtrain.allreduce;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * A live ring of W real ranks on loopback in which the last rank reaches every other rank through
 * a {@link FrameProxy} ({@link #proxy}(r) fronts rank r), so that a test can record its handshakes
 * or mutate its frames without a hook in the product. The others connect directly.
 */
final class ProxiedRing implements AutoCloseable {
  private final List<RingCommunicator> ranks;
  private final List<FrameProxy> proxies;

  private ProxiedRing(List<RingCommunicator> ranks, List<FrameProxy> proxies) {
    this.ranks = ranks;
    this.proxies = proxies;
  }

  /** {@code options} adjusts each rank's builder (peers, rank and secret are already set). */
  static ProxiedRing start(int world, Duration handshakeTimeout, ExecutorService threads, UnaryOperator<CommunicatorConfig.Builder> options)
      throws IOException, InterruptedException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    List<RingServer> servers = new ArrayList<>();
    List<String> peers = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      RingServer server = RingServer.bind(loopback, 0, 1, handshakeTimeout);
      servers.add(server);
      peers.add(loopback.getHostAddress() + ":" + server.boundPort());
    }
    int last = world - 1;
    List<FrameProxy> proxies = new ArrayList<>();
    List<String> lastRankPeers = new ArrayList<>(peers);
    for (int r = 0; r < last; r++) {
      FrameProxy proxy = new FrameProxy(servers.get(r).boundPort());
      proxies.add(proxy);
      lastRankPeers.set(r, proxy.address());
    }
    List<Future<RingCommunicator>> connecting = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      CommunicatorConfig config = options.apply(CommunicatorConfig.builder()
          .setPeers(r == last ? lastRankPeers : peers).setRank(r).setSecret(LoopbackRing.SECRET)
          .optConnectTimeout(Duration.ofSeconds(30))).build();
      RingServer server = servers.get(r);
      connecting.add(threads.submit(() -> RingCommunicator.connect(server, config)));
    }
    List<RingCommunicator> ranks = new ArrayList<>();
    Throwable failed = null;
    for (Future<RingCommunicator> f : connecting) {
      try {
        ranks.add(f.get());
      } catch (ExecutionException e) {
        failed = e.getCause();
      }
    }
    ProxiedRing ring = new ProxiedRing(ranks, proxies);
    if (failed != null) {
      ring.close();
      throw new IllegalStateException("the ring did not connect: " + failed, failed);
    }
    return ring;
  }

  RingCommunicator rank(int r) {
    return ranks.get(r);
  }

  List<RingCommunicator> ranks() {
    return ranks;
  }

  FrameProxy proxy(int r) {
    return proxies.get(r);
  }

  @Override
  public void close() {
    for (RingCommunicator rank : ranks) rank.close();
    for (FrameProxy proxy : proxies) proxy.close();
  }
}
