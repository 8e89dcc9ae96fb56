package io.ringtrain.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rings over TLS (mutual, certificates from a key store made by the JDK's keytool), over real
 * loopback sockets: collectives work, a plaintext client is turned away without disturbing the
 * ring, a rank whose certificate the others do not trust cannot join, and the engine a live
 * connection uses is the one {@link RingTls#engine()} reports (OpenSSL here; the JDK's as the fallback).
 */
class TlsRingTest {
  private static final char[] PASSWORD = "ring-pass".toCharArray();
  @TempDir static Path keys;
  private static RingTls jobTls;
  private static RingTls strangerTls;

  @BeforeAll
  static void makeKeyStores() throws Exception {
    jobTls = RingTls.fromKeyStore(keytool(keys.resolve("job.p12"), "CN=ringtrain job"), PASSWORD);
    strangerTls = RingTls.fromKeyStore(keytool(keys.resolve("stranger.p12"), "CN=someone else"), PASSWORD);
  }

  private static Path keytool(Path store, String dname) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "ring", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", dname, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IllegalStateException("keytool failed: " + out);
    return store;
  }

  @Test
  void collectivesRunOverTlsAndAPlaintextClientIsTurnedAway() throws Exception {
    List<RingCommunicator> ring = start(List.of(jobTls, jobTls, jobTls), Duration.ofSeconds(30));
    try {
      assertSumsOnEveryRank(ring);
      long rejectedBefore = ring.get(0).rejectedConnections();
      try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), ring.get(0).boundPort())) {
        plain.setSoTimeout(10_000);
        plain.getOutputStream().write("RTRN hello, no TLS here\n".repeat(20).getBytes());
        assertClosedByServer(plain.getInputStream());
      }
      // the TLS handler closes the socket before the auth handler hears of it: allow the count a moment
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (ring.get(0).rejectedConnections() == rejectedBefore && System.nanoTime() < deadline) Thread.sleep(10);
      assertTrue(ring.get(0).rejectedConnections() > rejectedBefore, "the server did not count the plaintext client as rejected");
      assertSumsOnEveryRank(ring);
    } finally {
      ring.forEach(RingCommunicator::close);
    }
  }

  @Test
  void aLiveConnectionUsesTheEngineRingTlsReports() throws Exception {
    List<RingCommunicator> ring = start(List.of(jobTls, jobTls), Duration.ofSeconds(30));
    try {
      assertSumsOnEveryRank(ring);
      assertEquals(jobTls.engine(), engineOf(ring.get(0).channelTo(1)), "rank 0's connection to rank 1");
      assertEquals(jobTls.engine(), engineOf(ring.get(1).channelTo(0)), "rank 1's connection to rank 0");
    } finally {
      ring.forEach(RingCommunicator::close);
    }
  }

  @Test
  void theProductUsesOpenSslWhereItLoads() {
    assertTrue(OpenSsl.isAvailable(), "netty-tcnative (a dependency of this module) did not load: " + OpenSsl.unavailabilityCause());
    assertEquals(RingTls.Engine.OPENSSL, jobTls.engine());
  }

  @Test
  void aRankOnTheJdkFallbackEngineJoinsARankOnOpenSsl() throws Exception {
    RingTls jdk = RingTls.fromKeyStore(keys.resolve("job.p12"), PASSWORD, RingTls.Engine.JDK);
    List<RingCommunicator> ring = start(List.of(jobTls, jdk), Duration.ofSeconds(30));
    try {
      assertSumsOnEveryRank(ring);
      assertEquals(RingTls.Engine.OPENSSL, engineOf(ring.get(0).channelTo(1)));
      assertEquals(RingTls.Engine.JDK, engineOf(ring.get(1).channelTo(0)));
    } finally {
      ring.forEach(RingCommunicator::close);
    }
  }

  private static RingTls.Engine engineOf(Channel channel) {
    SSLEngine engine = channel.pipeline().get(SslHandler.class).engine();
    return engine instanceof ReferenceCountedOpenSslEngine ? RingTls.Engine.OPENSSL : RingTls.Engine.JDK;
  }

  @Test
  void aRankWithAnUntrustedCertificateCannotJoin() {
    CollectiveException failure = assertThrows(CollectiveException.class,
        () -> start(List.of(jobTls, strangerTls), Duration.ofSeconds(3)).forEach(RingCommunicator::close));
    assertTrue(failure.getMessage().contains("rank"), failure.getMessage());
  }

  @Test
  void aServerAndAConfigThatDisagreeOnTlsAreAClearError() {
    try (RingServer server = RingServer.bind(InetAddress.getLoopbackAddress(), 0)) {
      CommunicatorConfig config = CommunicatorConfig.builder().setPeers(List.of("127.0.0.1:" + server.boundPort())).setRank(0)
          .setSecret(LoopbackRing.SECRET).optTls(jobTls).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RingCommunicator.connect(server, config));
      assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }
  }

  private static void assertSumsOnEveryRank(List<RingCommunicator> ring) throws Exception {
    int n = 100_003; // through the ring algorithm, many segments
    ExecutorService threads = Executors.newFixedThreadPool(ring.size());
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (RingCommunicator c : ring) {
        results.add(threads.submit(() -> {
          float[] buf = RingAllReduceTest.inputs(c.rank(), n);
          c.allReduce(buf, ReduceOp.SUM);
          return buf;
        }));
      }
      float[] want = new float[n];
      for (int i = 0; i < n; i++) want[i] = RingAllReduceTest.expected(ReduceOp.SUM, ring.size(), i);
      for (Future<float[]> f : results) assertArrayEquals(want, f.get());
    } finally {
      threads.shutdownNow();
    }
  }

  /** One server per rank, each with its rank's TLS set-up, connected concurrently. */
  private static List<RingCommunicator> start(List<RingTls> tlsByRank, Duration connectTimeout) throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    List<RingServer> servers = new ArrayList<>();
    List<String> peers = new ArrayList<>();
    for (RingTls tls : tlsByRank) {
      RingServer server = RingServer.bind(loopback, 0, 1, Duration.ofSeconds(5), tls);
      servers.add(server);
      peers.add(loopback.getHostAddress() + ":" + server.boundPort());
    }
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      List<Future<RingCommunicator>> connecting = new ArrayList<>();
      for (int r = 0; r < servers.size(); r++) {
        CommunicatorConfig config = CommunicatorConfig.builder().setPeers(peers).setRank(r).setSecret(LoopbackRing.SECRET)
            .optTls(tlsByRank.get(r)).optConnectTimeout(connectTimeout).optTimeout(Duration.ofSeconds(20)).build();
        RingServer server = servers.get(r);
        connecting.add(threads.submit(() -> RingCommunicator.connect(server, config)));
      }
      List<RingCommunicator> ranks = new ArrayList<>();
      RuntimeException firstFailure = null;
      for (Future<RingCommunicator> f : connecting) {
        try {
          ranks.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          if (firstFailure == null) firstFailure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
      }
      if (firstFailure != null) {
        ranks.forEach(RingCommunicator::close);
        throw firstFailure;
      }
      return ranks;
    } finally {
      threads.shutdownNow();
    }
  }

  private static void assertClosedByServer(InputStream in) throws Exception {
    try {
      while (in.read() >= 0) {
        // drain whatever the server sent (a TLS alert) until it closes
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept a plaintext connection open for 10 s");
    } catch (SocketException reset) {
      // a reset is a close too
    }
  }
}
