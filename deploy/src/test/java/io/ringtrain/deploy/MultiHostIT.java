package io.ringtrain.deploy;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Training across hosts: {@code deploy/bin/ringtrain-hosts} makes four network namespaces joined by
 * 1 Gbit/s links, host 0 holding the master and the driver and hosts 1–3 a worker each, and fmnist-cnn
 * trains with 3 replicas through the spark-submit wrapper. Every replica then reaches its ring
 * neighbours and the driver's progress channel over a link, as on a real cluster. Skipped, with the
 * reason, where the machine allows no network namespaces (no root, or no {@code ip netns}).
 */
class MultiHostIT {
    private static final int HOSTS = 4;          // host 0: master and driver; hosts 1..3: one worker each
    private static final String NAME = "rtit";   // namespaces rtit-h0..rtit-h3: apart from a user's own hosts
    private static final Pattern LISTEN = Pattern.compile("^LISTEN\\s+\\d+\\s+\\d+\\s+(\\S+):(\\d+)\\s+\\S+\\s+users:\\(\\(\"[^\"]*\",pid=(\\d+)");

    private final Path root = ProjectFiles.root();

    private record Result(int status, String output) {}

    /** A listening TCP socket seen in host {@code host}'s namespace, and the role of the process holding it. */
    private record Listener(int host, String role, long pid, String address, int port) {}

    @Test
    void threeReplicasOnThreeHostsTrainTheSingleHostWeightsWithEveryPortOnItsHostsAddress(@TempDir Path tmp) throws Exception {
        assumeTrue(namespacesAllowed(), "network namespaces need root and 'ip netns' (iproute2); this machine allows neither, so no hosts can be made");
        Path data = tinyFashionMnist(tmp.resolve("data"));
        Map<String, String> env = Map.of("RINGTRAIN_NO_BUILD", "1", "RINGTRAIN_HOSTS_NAME", NAME,
                "RINGTRAIN_HOSTS_DIR", tmp.resolve("hosts").toString(), "RINGTRAIN_WORKER_MEMORY", "1g",
                "SPARK_DAEMON_JAVA_OPTS", ProjectFiles.DAEMON_JAVA_OPTS, "RINGTRAIN_JAVA_OPTS", ProjectFiles.clusterDriverJavaOpts("1g"));
        String train = " train --replicas 3 --model fmnist-cnn --data " + data + " --epochs 1 --batch-size 32 --seed 5"
                + " --mean 0.2860 --std 0.3530 --run-dir ";

        Set<Listener> listeners = ConcurrentHashMap.newKeySet();
        Result multi;
        try {
            Result started = run(env, 240, "deploy/bin/ringtrain-hosts", "start", Integer.toString(HOSTS), "--rate", "1gbit", "--dedicated-driver");
            assertEquals(0, started.status(), started.output());
            assertTrue(started.output().contains("master URL: spark://10.77.0.1:7077"), started.output());

            AtomicBoolean training = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (training.get()) {
                    listeners.addAll(listeningSockets());
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            try {
                multi = run(env, 600, "bash", "-c", "deploy/bin/ringtrain-hosts exec 0 deploy/bin/ringtrain --master spark://10.77.0.1:7077 --conf '" + ProjectFiles.EXECUTOR_JAVA_OPTS_CONF + "' --"
                        + train + tmp.resolve("multi"));
            } finally {
                training.set(false);
                sampler.join(10_000);
            }
            assertEquals(0, multi.status(), multi.output());
        } finally {
            Result stopped = run(env, 180, "deploy/bin/ringtrain-hosts", "stop");
            assertEquals(0, stopped.status(), stopped.output());
        }
        for (int h = 0; h < HOSTS; h++) {
            assertEquals(1, run(Map.of(), 30, "ip", "netns", "pids", NAME + "-h" + h).status(), "stop removed the namespace " + NAME + "-h" + h);
        }

        // Executors ran on hosts 1, 2 and 3, as each worker's launch command says.
        Set<String> executorHosts = new TreeSet<>();
        try (Stream<Path> files = Files.walk(tmp.resolve("hosts"))) {
            for (Path stderr : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                Matcher m = Pattern.compile("--hostname\"?\\s+\"?([0-9.]+)").matcher(Files.readString(stderr, StandardCharsets.UTF_8));
                if (m.find()) executorHosts.add(m.group(1));
            }
        }
        assertEquals(Set.of("10.77.0.2", "10.77.0.3", "10.77.0.4"), executorHosts, "one executor on each worker host");

        // Every listening socket in a host is on that host's address; each executor held its two ring servers.
        listeners.stream().map(l -> "host " + l.host() + " " + l.role() + " " + l.address() + ":" + l.port()).sorted()
                .forEach(l -> System.out.println("[multi-host] listening: " + l));
        assertTrue(listeners.stream().anyMatch(l -> l.role().equals("driver")), "the driver's sockets were seen: " + listeners);
        for (Listener l : listeners) {
            assertEquals("10.77.0." + (l.host() + 1), l.address(), l.role() + " pid " + l.pid() + " listens off its host's address: " + l);
        }
        Map<Integer, Integer> mostExecutorPorts = new TreeMap<>();
        Map<Long, Set<Integer>> portsByExecutor = new TreeMap<>();
        for (Listener l : listeners) {
            if (!l.role().equals("executor")) continue;
            portsByExecutor.computeIfAbsent(l.pid(), k -> new TreeSet<>()).add(l.port());
            mostExecutorPorts.merge(l.host(), portsByExecutor.get(l.pid()).size(), Math::max);
        }
        assertEquals(Set.of(1, 2, 3), mostExecutorPorts.keySet(), "executors listened on hosts 1-3: " + listeners);
        mostExecutorPorts.forEach((host, ports) -> assertTrue(ports >= 3,
                "host " + host + "'s executor listened on its block manager and two ring servers, seen: " + ports + " in " + listeners));

        // The driver's progress bar, fed over a link by rank 0, reached the last step.
        assertTrue(multi.output().contains("100%") && multi.output().matches("(?s).*step (\\d+)/\\1 .*"), "the progress bar's last step:\n" + multi.output());
        long stepLines = Files.readAllLines(tmp.resolve("multi/metrics.jsonl")).stream().filter(l -> l.contains("\"type\":\"step\"")).count();
        assertEquals(960 / (3 * 32), stepLines, "one progress line per step in metrics.jsonl");

        // The same job on one host (local mode): the same weights, bit for bit (the ring sums in the same order wherever ranks run).
        Result single = run(Map.of("RINGTRAIN_NO_BUILD", "1", "RINGTRAIN_JAVA_OPTS", ProjectFiles.launcherJavaOpts("2g")), 600, "bash", "-c",
                "deploy/bin/ringtrain-local" + train.replace(" train ", " train --master local[3] ") + tmp.resolve("single"));
        assertEquals(0, single.status(), single.output());
        Map<String, Tensor> acrossHosts = SafeTensors.read(tmp.resolve("multi/model.safetensors")).tensors();
        Map<String, Tensor> oneHost = SafeTensors.read(tmp.resolve("single/model.safetensors")).tensors();
        assertEquals(oneHost.keySet(), acrossHosts.keySet());
        oneHost.forEach((name, t) -> assertArrayEquals(t.toArray(), acrossHosts.get(name).toArray(), name + " differs between three hosts and one"));
    }

    /** Root, and an {@code ip netns} that answers. */
    private static boolean namespacesAllowed() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            boolean root = new String(id.getInputStream().readAllBytes()).strip().equals("0") && id.waitFor() == 0;
            if (!root) return false;
            Process ip = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            ip.getInputStream().readAllBytes();
            return ip.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Fashion-MNIST's first 960 training and 200 test images: 10 steps of 3 × 32. */
    private static Path tinyFashionMnist(Path dir) throws IOException {
        return LaunchersIT.fashionMnistPrefix(dir, 960, 200);
    }

    /** The listening TCP sockets of every host now ({@code ss -ltnp} in each namespace), Java processes only. */
    private static List<Listener> listeningSockets() {
        List<Listener> seen = new ArrayList<>();
        for (int h = 0; h < HOSTS; h++) {
            try {
                Process ss = new ProcessBuilder("ip", "netns", "exec", NAME + "-h" + h, "ss", "-ltnp").redirectErrorStream(true).start();
                for (String line : new String(ss.getInputStream().readAllBytes()).lines().toList()) {
                    Matcher m = LISTEN.matcher(line);
                    if (!m.find()) continue;
                    long pid = Long.parseLong(m.group(3));
                    String role = role(pid);
                    if (role != null) seen.add(new Listener(h, role, pid, plainAddress(m.group(1)), Integer.parseInt(m.group(2))));
                }
                ss.waitFor();
            } catch (IOException e) {
                return seen;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return seen;
            }
        }
        return seen;
    }

    /** What a Java process of the cluster is, from its command line; null for any other process. */
    private static String role(long pid) {
        String command = ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("");
        if (command.contains("CoarseGrainedExecutorBackend")) return "executor";
        if (command.contains("SparkSubmit")) return "driver";
        if (command.contains("deploy.worker.Worker")) return "worker";
        if (command.contains("deploy.master.Master")) return "master";
        return command.contains("java") ? "other java" : null;
    }

    /** {@code [::ffff:10.77.0.2]} or {@code 10.77.0.2} as {@code 10.77.0.2}; {@code *}, {@code [::]} and loopback stay as they are. */
    private static String plainAddress(String ssAddress) {
        String a = ssAddress.replace("[", "").replace("]", "");
        int zone = a.indexOf('%');
        if (zone >= 0) a = a.substring(0, zone);
        return a.startsWith("::ffff:") ? a.substring("::ffff:".length()) : a;
    }

    private Result run(Map<String, String> env, long timeoutSeconds, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().remove("SPARK_HOME");   // failsafe's, for local-cluster tests: the wrapper uses the bundled Spark
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(List.of(command) + " did not finish in " + timeoutSeconds + " s");
        }
        String output = new String(out, StandardCharsets.UTF_8);
        System.out.println("[multi-host] " + String.join(" ", command) + " -> exit " + p.exitValue());
        return new Result(p.exitValue(), output);
    }
}
