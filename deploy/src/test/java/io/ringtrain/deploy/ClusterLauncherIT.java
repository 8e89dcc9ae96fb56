package io.ringtrain.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/bin/ringtrain-cluster starts a real standalone master and a worker (separate JVMs) from the
 * packaged jars, on free ports so it cannot collide with another cluster on the machine, listening
 * on loopback only, and stops them all.
 */
class ClusterLauncherIT {
    private final Path root = ProjectFiles.root();

    private String run(Map<String, String> env, int expectedStatus, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(args)).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), List.of(args) + " did not finish");
        assertEquals(expectedStatus, p.exitValue(), List.of(args) + ": " + out);
        return out;
    }

    @Test
    void startsAMasterAndAWorkerOnLoopbackReportsThemAndStopsThem(@TempDir Path dir) throws Exception {
        int masterPort = freePort(), uiPort = freePort();
        Map<String, String> env = Map.of("RINGTRAIN_NO_BUILD", "1", "RINGTRAIN_CLUSTER_DIR", dir.toString(),
                "RINGTRAIN_MASTER_PORT", Integer.toString(masterPort), "RINGTRAIN_MASTER_UI_PORT", Integer.toString(uiPort),
                "RINGTRAIN_WORKER_MEMORY", "1g", "SPARK_DAEMON_MEMORY", "384m", "SPARK_DAEMON_JAVA_OPTS", ProjectFiles.DAEMON_JAVA_OPTS);
        try {
            String started = run(env, 0, "deploy/bin/ringtrain-cluster", "start", "1");
            assertTrue(started.contains("master URL: spark://127.0.0.1:" + masterPort), started);

            String status = run(env, 0, "deploy/bin/ringtrain-cluster", "status");
            assertTrue(status.contains("worker-1: pid") && status.contains("running"), status);
            assertTrue(status.contains("workers registered with the master: 1"), status);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), masterPort)) {
                assertTrue(s.isConnected());
            }
            Optional<InetAddress> external = nonLoopbackAddress();
            if (external.isPresent()) {
                assertThrows(IOException.class, () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(external.get(), masterPort), 2000);
                    }
                }, "the master must not listen on " + external.get());
            }
            assertTrue(Files.isRegularFile(dir.resolve("spark-home/jars/ringtrain.jar")), "executors load our jar from the Spark home");
            // Spark's daemon settings reach the master's and the worker's JVMs
            for (String daemon : List.of("master", "worker-1")) {
                long pid = Long.parseLong(Files.readString(dir.resolve(daemon + ".pid")).strip());
                List<String> jvm = List.of(ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).orElseThrow(() -> new AssertionError(daemon + " is not running")));
                assertTrue(jvm.contains("-Xmx384m") && jvm.contains("-XX:TieredStopAtLevel=1") && !jvm.contains("-Xmx512m"),
                        daemon + " got SPARK_DAEMON_MEMORY and SPARK_DAEMON_JAVA_OPTS: " + jvm);
            }
        } finally {
            run(env, 0, "deploy/bin/ringtrain-cluster", "stop");
        }
        String after = run(env, 3, "deploy/bin/ringtrain-cluster", "status");
        assertTrue(after.contains("not running"), after);
        try (var pids = Files.list(dir)) {
            assertFalse(pids.anyMatch(p -> p.toString().endsWith(".pid")), "stop removes the pid files");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (!nif.isUp() || nif.isLoopback()) continue;
            for (var addresses = nif.getInetAddresses(); addresses.hasMoreElements(); ) {
                InetAddress a = addresses.nextElement();
                if (a instanceof Inet4Address) return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
