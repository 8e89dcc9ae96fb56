package io.ringtrain.trainer;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.CommunicatorConfig;
import io.ringtrain.allreduce.LocalCommunicator;
import io.ringtrain.allreduce.RingCommunicator;
import io.ringtrain.allreduce.RingServer;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Runs a body on W ranks, one thread each, joined by a real Netty ring on loopback. */
public final class LocalRing {
    private LocalRing() {}

    public static <T> List<T> run(int world, Function<Communicator, T> body) {
        if (world == 1) {
            try (Communicator c = new LocalCommunicator()) {
                return List.of(body.apply(c));
            }
        }
        byte[] secret = "test-secret".getBytes(StandardCharsets.UTF_8);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<RingServer> servers = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            RingServer s = RingServer.bind(loopback, 0);
            servers.add(s);
            peers.add(loopback.getHostAddress() + ":" + s.boundPort());
        }
        ExecutorService pool = Executors.newFixedThreadPool(world);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < world; r++) {
                int rank = r;
                futures.add(pool.submit(() -> {
                    CommunicatorConfig config = CommunicatorConfig.builder().setPeers(peers).setRank(rank).setSecret(secret)
                            .optTimeout(Duration.ofSeconds(60)).build();
                    try (Communicator c = RingCommunicator.connect(servers.get(rank), config)) {
                        return body.apply(c);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            Throwable rootFailure = null;
            for (Future<T> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    // Report the rank that failed first on its own, not the peers it took down.
                    if (rootFailure == null || rootFailure instanceof io.ringtrain.allreduce.CollectiveException) rootFailure = e.getCause();
                }
            }
            if (rootFailure != null) throw new RuntimeException(rootFailure);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        } finally {
            pool.shutdownNow();
            servers.forEach(RingServer::close);
        }
    }
}
