package io.ringtrain.deploy;

import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on this machine, started with {@code deploy/bin/ringtrain-cluster}
 * (a master and N workers of one core each, every one its own JVM, on loopback and free ports, its
 * state in a folder of its own), for what {@code local-cluster} cannot do: lose a worker, so that
 * the slot does not come back. Needs the packaged artifact (deploy/target/ringtrain.jar and lib/).
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Pattern EXECUTOR_ID = Pattern.compile("--executor-id (\\S+)");

    private final Path root;
    private final Map<String, String> env;
    private final Path dir;
    private final String masterUrl;

    private StandaloneCluster(Path root, Map<String, String> env, Path dir, String masterUrl) {
        this.root = root;
        this.env = env;
        this.dir = dir;
        this.masterUrl = masterUrl;
    }

    /** A lost worker: the worker's and its executor's process ids, the executor's Spark id, and when (epoch millis). */
    public record Lost(long workerPid, long executorPid, String executorId, long atMillis) {}

    /** Starts a master and {@code workers} workers of 1 core and 1 GiB each; {@code root} is the checkout, {@code dir} the cluster's folder. */
    public static StandaloneCluster start(Path root, Path dir, int workers) throws IOException, InterruptedException {
        int port = freePort();
        Map<String, String> env = Map.of("RINGTRAIN_NO_BUILD", "1", "RINGTRAIN_CLUSTER_DIR", dir.toString(), "RINGTRAIN_MASTER_PORT", Integer.toString(port),
                "RINGTRAIN_MASTER_UI_PORT", Integer.toString(freePort()), "RINGTRAIN_WORKER_CORES", "1", "RINGTRAIN_WORKER_MEMORY", "1g");
        StandaloneCluster cluster = new StandaloneCluster(root, env, dir, "spark://127.0.0.1:" + port);
        cluster.script("start", Integer.toString(workers));
        return cluster;
    }

    public String masterUrl() {
        return masterUrl;
    }

    /**
     * A session on this cluster, one core and 1 GiB per executor, with {@code conf} added. It returns
     * once all {@code cores} executors have registered ({@link ProjectFiles#allExecutorsAtStart}).
     */
    public SparkSession session(String appName, int cores, Map<String, String> conf) {
        SparkSession.Builder b = LocalCluster.session(appName, masterUrl).config("spark.executor.cores", "1").config("spark.executor.memory", "1g");
        ProjectFiles.allExecutorsAtStart(cores).forEach(b::config);
        conf.forEach(b::config);
        return b.getOrCreate();
    }

    /**
     * Takes a host away: one executor JVM and the worker that started it get {@code signal} ("KILL":
     * gone at once, its connections closed; "STOP": frozen, silent, as behind a cut link) at the
     * same moment, so the slot does not come back. Empty when no worker runs an executor.
     */
    public Optional<Lost> loseAWorker(String signal) throws IOException, InterruptedException {
        for (int i = 1; ; i++) {
            Path pidFile = dir.resolve("worker-" + i + ".pid");
            if (!Files.exists(pidFile)) return Optional.empty();
            long worker = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> executor = ProcessHandle.of(worker).stream().flatMap(ProcessHandle::children)
                    .filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")).orElse(false)).findFirst();
            if (executor.isEmpty()) continue;
            Matcher id = EXECUTOR_ID.matcher(executor.get().info().commandLine().orElse(""));
            String executorId = id.find() ? id.group(1) : null;
            run(List.of("kill", "-" + signal, Long.toString(executor.get().pid()), Long.toString(worker)));
            return Optional.of(new Lost(worker, executor.get().pid(), executorId, System.currentTimeMillis()));
        }
    }

    /** Waits until metrics.jsonl holds a step at {@code step} or later, then {@link #loseAWorker}; empty when the run got no further within {@code timeoutMillis}. */
    public Optional<Lost> loseAWorkerAtStep(Path metrics, long step, String signal, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (RunMetrics.lastStep(metrics, 1) >= step) return loseAWorker(signal);
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    /** Stops the workers and the master; frozen processes are killed first, or they would outlive the stop. */
    @Override
    public void close() throws IOException, InterruptedException {
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("worker-") && p.toString().endsWith(".pid")).toList()) {
                long worker = Long.parseLong(Files.readString(f).trim());
                ProcessHandle.of(worker).ifPresent(w -> {
                    w.children().forEach(ProcessHandle::destroyForcibly);
                    w.destroyForcibly(); // a frozen (stopped) JVM ignores the script's SIGTERM
                });
            }
        }
        script("stop");
    }

    private void script(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(root.resolve("deploy/bin/ringtrain-cluster").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("deploy/bin/ringtrain-cluster " + String.join(" ", args) + " failed: " + out);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
