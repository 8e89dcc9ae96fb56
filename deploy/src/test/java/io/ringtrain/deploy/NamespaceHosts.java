package io.ringtrain.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts made by {@code deploy/bin/ringtrain-hosts start N [options]} for a test: network namespaces
 * {@code NAME-h0..}, host I at {@code PREFIX.(I+1)}, each with its egress shaped to one rate, and
 * unless {@code --no-spark} a Spark master on host 0 and workers (1 GiB each) from the packaged
 * jars. {@link #close()} runs {@code stop}, which removes every namespace, link and process the
 * script made; {@link #start} runs it first too, for what an interrupted run left in the same state
 * folder.
 */
final class NamespaceHosts implements AutoCloseable {
    /** The interface of each host's end of its veth pair, as ringtrain-hosts names it. */
    static final String INTERFACE = "eth0";

    private final Path root;
    private final String name;
    private final String subnetPrefix;
    private final Path dir;

    private NamespaceHosts(Path root, String name, String subnetPrefix, Path dir) {
        this.root = root;
        this.name = name;
        this.subnetPrefix = subnetPrefix;
        this.dir = dir;
    }

    /** Root, and an {@code ip netns} that answers: what ringtrain-hosts needs. */
    static boolean allowed() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            boolean root = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0") && id.waitFor() == 0;
            if (!root) return false;
            Process ip = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            ip.getInputStream().readAllBytes();
            return ip.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code count} hosts named {@code name}, on {@code subnetPrefix}.0/24 (for example "10.78.0"), each
     * host's egress at {@code rate} ("1gbit"), with ringtrain-hosts' {@code options} ("--no-spark",
     * "--dedicated-driver"); ringtrain-hosts keeps its state in {@code dir}.
     */
    static NamespaceHosts start(Path root, String name, String subnetPrefix, int count, String rate, Path dir, String... options)
            throws IOException, InterruptedException {
        NamespaceHosts hosts = new NamespaceHosts(root, name, subnetPrefix, dir);
        hosts.script("stop");
        try {
            List<String> args = new ArrayList<>(List.of("start", Integer.toString(count), "--rate", rate));
            args.addAll(List.of(options));
            hosts.script(args.toArray(String[]::new));
        } catch (IOException | RuntimeException e) {
            hosts.close();
            throw e;
        }
        return hosts;
    }

    /** The command prefix that runs a process in host {@code host}. */
    List<String> launcher(int host) {
        return List.of("ip", "netns", "exec", name + "-h" + host);
    }

    String address(int host) {
        return subnetPrefix + "." + (host + 1);
    }

    /** The master URL of the hosts' Spark. */
    String masterUrl() {
        return "spark://" + address(0) + ":7077";
    }

    /** Starts {@code command} in host {@code host} through {@code ringtrain-hosts exec}, its output (stderr too) readable. */
    Process exec(int host, List<String> command) throws IOException {
        List<String> full = new ArrayList<>(List.of(root.resolve("deploy/bin/ringtrain-hosts").toString(), "exec", Integer.toString(host)));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(root.toFile()).redirectErrorStream(true);
        environment(builder);
        return builder.start();
    }

    /** Takes host {@code host}'s link down or up ({@code ip link set eth0 down|up} in its namespace). */
    void link(int host, boolean up) throws IOException, InterruptedException {
        run(List.of("ip", "-n", name + "-h" + host, "link", "set", INTERFACE, up ? "up" : "down"));
    }

    /** Shapes host {@code host}'s egress alone to {@code rate} ({@code ringtrain-hosts shape RATE I}). */
    void shape(int host, String rate) throws IOException, InterruptedException {
        script("shape", rate, Integer.toString(host));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        script("stop");
    }

    private void script(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(root.resolve("deploy/bin/ringtrain-hosts").toString()));
        command.addAll(List.of(args));
        run(command);
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path output = dir.resolve("command.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        environment(builder);
        Process p = builder.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 120 s");
        }
        String said = Files.readString(output, StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + said);
    }

    private void environment(ProcessBuilder builder) {
        builder.environment().remove("SPARK_HOME");   // failsafe's, for local-cluster tests: the hosts use the bundled Spark
        builder.environment().put("RINGTRAIN_NO_BUILD", "1");
        builder.environment().put("RINGTRAIN_HOSTS_NAME", name);
        builder.environment().put("RINGTRAIN_HOSTS_DIR", dir.toString());
        builder.environment().put("RINGTRAIN_HOSTS_SUBNET", subnetPrefix + ".0/24");
        builder.environment().put("RINGTRAIN_WORKER_MEMORY", "1g");
        // what runs in the hosts is their master and workers, and the drivers of jobs whose executors train
        builder.environment().put("SPARK_DAEMON_JAVA_OPTS", ProjectFiles.DAEMON_JAVA_OPTS);
        builder.environment().put("RINGTRAIN_JAVA_OPTS", ProjectFiles.clusterDriverJavaOpts("1g"));
    }
}
