package io.ringtrain.trainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * {@code deploy/bin/bench dp-step [timedSteps] [batch] [none|bf16] [--link RATE]}: fmnist-cnn step time with W = 1 and W = 2
 * replicas, each a separate JVM on one core (pinned with taskset, -XX:ActiveProcessorCount=1, one
 * kernel thread), at equal per-replica batch. Prints the scaling efficiency (throughput W=2 ÷ 2 ×
 * throughput W=1) as the line's ratio; the same against two single replicas running side by side
 * without communicating (what sharing the machine's memory system costs, which no all-reduce can
 * avoid); with SyncBatchNorm on a ring of its own (the job's set-up) and with plain per-replica
 * BatchNorm (DDP's default); with two replicas kept in step by a barrier that send no gradients
 * ({@code lockstep_efficiency}: the cost of running in step alone: every step lasts as long as the
 * slower replica's); and the share of all-reduce time hidden behind backward. The reference is
 * PyTorch's DistributedDataParallel on the same model, batch and cores ({@code
 * tools/bench/dpstep_ddp_ref.py}, Gloo, plain BatchNorm since torch's SyncBatchNorm needs CUDA),
 * measured in the same rounds ({@code vs-pytorch-ddp}; {@code -Ddpstep.reference=false} skips it). Step times are
 * means (see {@link #STEP}). Every set-up runs once per round, {@code -Ddpstep.rounds} (3) rounds
 * interleaved, and each figure is the median over rounds. Every replica first runs {@code
 * -Ddpstep.warmupSteps} (600) untimed steps, and replicas of a ring run its collectives for a few
 * seconds before that (JIT warm-up, see DpStepWorker). Per-phase medians and CPU per step go to
 * stderr. {@code --link RATE} runs the two replicas on two hosts instead (see {@link #acrossHosts}).
 */
public final class DpStepBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] argv) throws Exception {
        List<String> args = new ArrayList<>();
        String link = null;
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].equals("--link")) {
                args.add(argv[i]);
            } else if (i + 1 < argv.length && argv[i + 1].matches("[1-9][0-9]*(mbit|gbit)")) {
                link = argv[++i];
            } else {
                System.err.println("dp-step: --link needs a rate such as 1gbit or 500mbit; usage: dp-step [timedSteps] [batch] [none|bf16] [--link RATE]");
                System.exit(2);
            }
        }
        int timedSteps = args.size() > 0 ? Integer.parseInt(args.get(0)) : 150;
        int batch = args.size() > 1 ? Integer.parseInt(args.get(1)) : 64;
        compression = args.size() > 2 ? args.get(2) : "none"; // none or bf16 (gradients on the wire)
        int rounds = Integer.getInteger("dpstep.rounds", 3);
        if (link != null) {
            acrossHosts(link, timedSteps, batch, rounds);
            return;
        }
        // every set-up once per round, rounds interleaved, so a slow spell of the machine hits all set-ups
        Map<Setup, List<Double>> times = new EnumMap<>(Setup.class);
        Map<Setup, List<JsonNode>> last = new EnumMap<>(Setup.class);
        boolean reference = Boolean.parseBoolean(System.getProperty("dpstep.reference", "true"));
        List<Double> ddp1 = new ArrayList<>(), ddp2 = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (Setup setup : Setup.values()) {
                List<JsonNode> ranks = launch(setup, timedSteps, batch, null);
                times.computeIfAbsent(setup, k -> new ArrayList<>()).add(slowest(ranks));
                last.put(setup, ranks);
            }
            if (reference) {
                ddp1.add(pytorchDdpStepMillis(1, timedSteps, batch));
                ddp2.add(pytorchDdpStepMillis(2, timedSteps, batch));
            }
            System.err.println("round " + round + " mean step ms: " + times + (reference ? " pytorch-ddp W=1 " + ddp1 + " W=2 " + ddp2 : ""));
        }
        JsonNode single = last.get(Setup.SINGLE).get(0);
        List<JsonNode> pair = last.get(Setup.SHARED_RING), sideBySide = last.get(Setup.SIDE_BY_SIDE), statsRing = last.get(Setup.OWN_RING);
        List<JsonNode> localBn = last.get(Setup.PLAIN_BN), lockstep = last.get(Setup.LOCKSTEP);
        double t1 = median(times.get(Setup.SINGLE));
        double t2 = median(times.get(Setup.SHARED_RING));
        double tBound = median(times.get(Setup.SIDE_BY_SIDE));
        double throughput1 = batch / (t1 / 1000), throughput2 = 2 * batch / (t2 / 1000), throughputBound = 2 * batch / (tBound / 1000);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"dp-step\",\"params\":{\"world\":2,\"batch\":%d,\"cores_per_replica\":1},\"metric\":\"scaling_efficiency\",\"ours\":%.1f,\"reference\":%.1f,\"ratio\":%.3f}",
                batch, throughput2, 2 * throughput1, throughput2 / (2 * throughput1)));
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"dp-step\",\"params\":{\"world\":2,\"batch\":%d,\"cores_per_replica\":1},\"metric\":\"vs-independent-replicas\",\"ours\":%.1f,\"reference\":%.1f,\"ratio\":%.3f,\"independent_efficiency\":%.3f}",
                batch, throughput2, throughputBound, throughput2 / throughputBound, throughputBound / (2 * throughput1)));
        double comm = pair.get(0).path("comm_ms").asDouble(), exposed = pair.get(0).path("exposed_comm_ms").asDouble();
        double hidden = comm <= 0 ? 1 : 1 - exposed / comm;
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"dp-step\",\"params\":{\"world\":2,\"batch\":%d},\"metric\":\"comm_hidden_share\",\"ours\":%.3f,\"reference\":1.0,\"ratio\":%.3f,\"comm_ms_per_step\":%.2f,\"exposed_comm_ms_per_step\":%.2f,\"step_ms_w1\":%.2f,\"step_ms_w2\":%.2f,\"step_ms_independent\":%.2f}",
                batch, hidden, hidden, comm, exposed, t1, t2, tBound));
        double tStats = median(times.get(Setup.OWN_RING));
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"dp-step\",\"params\":{\"world\":2,\"batch\":%d,\"cores_per_replica\":1,\"sync_bn\":\"own ring\",\"compression\":\"%s\"},\"metric\":\"scaling_efficiency\",\"ours\":%.1f,\"reference\":%.1f,\"ratio\":%.3f}",
                batch, compression, 2 * batch / (tStats / 1000), 2 * throughput1, 2 * batch / (tStats / 1000) / (2 * throughput1)));
        double tLocal = median(times.get(Setup.PLAIN_BN));
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"dp-step\",\"params\":{\"world\":2,\"batch\":%d,\"cores_per_replica\":1,\"sync_bn\":false,\"compression\":\"%s\"},\"metric\":\"scaling_efficiency\",\"ours\":%.1f,\"reference\":%.1f,\"ratio\":%.3f}",
                batch, compression, 2 * batch / (tLocal / 1000), 2 * throughput1, 2 * batch / (tLocal / 1000) / (2 * throughput1)));
        double tLockstep = median(times.get(Setup.LOCKSTEP));
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"dp-step\",\"params\":{\"world\":2,\"batch\":%d,\"cores_per_replica\":1,\"sync_bn\":false,\"gradients_sent\":false},\"metric\":\"lockstep_efficiency\",\"ours\":%.1f,\"reference\":%.1f,\"ratio\":%.3f}",
                batch, 2 * batch / (tLockstep / 1000), 2 * throughput1, 2 * batch / (tLockstep / 1000) / (2 * throughput1)));
        if (reference) {
            double ddpEfficiency = median(ddp1) / median(ddp2); // throughput(2) / 2·throughput(1) at equal per-replica batch
            double ours = t1 / tLocal;
            System.out.println(String.format(Locale.ROOT,
                    "{\"bench\":\"dp-step\",\"params\":{\"world\":2,\"batch\":%d,\"cores_per_replica\":1,\"sync_bn\":false},\"metric\":\"vs-pytorch-ddp\",\"ours\":%.3f,\"reference\":%.3f,\"ratio\":%.3f,"
                            + "\"step_ms_w1\":%.2f,\"step_ms_w2\":%.2f,\"reference_step_ms_w1\":%.2f,\"reference_step_ms_w2\":%.2f}",
                    batch, ours, ddpEfficiency, ours / ddpEfficiency, t1, tLocal, median(ddp1), median(ddp2)));
        }
        for (JsonNode n : List.of(single, pair.get(0), sideBySide.get(0), statsRing.get(0), localBn.get(0), lockstep.get(0))) System.err.println("phases (median ms): " + n);
    }

    /**
     * {@code --link RATE}: the job's set-up (SyncBatchNorm on a ring of its own) with its two
     * replicas on two hosts of {@code deploy/bin/ringtrain-hosts} (network namespaces on this
     * machine, each host's egress shaped to RATE, each replica pinned to its own core as on
     * loopback), against one replica on this machine, in interleaved rounds. Prints the {@code
     * scaling_efficiency} line of that set-up with {@code link_gbit}. Needs root; without it,
     * ringtrain-hosts' one line and exit status 2.
     */
    private static void acrossHosts(String rate, int timedSteps, int batch, int rounds) throws Exception {
        Path root = Path.of(System.getProperty("ringtrain.root", "."));
        Hosts hosts = new Hosts(root, root.resolve("trainer/target/bench-logs/hosts"));
        List<Double> single = new ArrayList<>(), acrossHosts = new ArrayList<>();
        try {
            hosts.script("stop"); // what an interrupted run left
            hosts.script("start", "2", "--rate", rate, "--no-spark");
            for (int round = 0; round < rounds; round++) {
                single.add(slowest(launch(Setup.SINGLE, timedSteps, batch, null)));
                acrossHosts.add(slowest(launch(Setup.OWN_RING, timedSteps, batch, hosts)));
                System.err.println("round " + round + " mean step ms: W=1 " + single + ", W=2 across hosts " + acrossHosts);
            }
        } catch (HostsRefused e) {
            System.err.println(e.getMessage());
            System.exit(e.status == 2 ? 2 : 1);
        } finally {
            hosts.script("stop");
        }
        double t1 = median(single), t2 = median(acrossHosts);
        double throughput1 = batch / (t1 / 1000), throughput2 = 2 * batch / (t2 / 1000);
        ObjectNode line = JSON.createObjectNode().put("bench", "dp-step");
        ObjectNode params = line.putObject("params").put("world", 2).put("batch", batch).put("cores_per_replica", 1).put("sync_bn", "own ring")
                .put("compression", compression);
        double linkGbit = linkGbit(rate);
        if (linkGbit == Math.rint(linkGbit)) params.put("link_gbit", (long) linkGbit); else params.put("link_gbit", linkGbit); // as multihost-allreduce
        line.put("metric", "scaling_efficiency").put("ours", round1(throughput2)).put("reference", round1(2 * throughput1))
                .put("ratio", Math.rint(throughput2 / (2 * throughput1) * 1000) / 1000);
        single.forEach(ms -> line.withArray("step_ms_w1_rounds").add(round1(ms)));
        acrossHosts.forEach(ms -> line.withArray("step_ms_w2_rounds").add(round1(ms)));
        System.out.println(line);
    }

    private static double round1(double value) {
        return Math.rint(value * 10) / 10;
    }

    /** 1gbit: 1.0, 500mbit: 0.5. */
    static double linkGbit(String rate) {
        double number = Double.parseDouble(rate.replaceAll("[a-z]+$", ""));
        return rate.endsWith("mbit") ? number / 1000 : number;
    }

    /**
     * Two hosts of {@code deploy/bin/ringtrain-hosts} under names of their own ({@value #NAME}, subnet
     * 10.78.0.0/24), apart from a user's hosts and from multihost-allreduce's.
     */
    private record Hosts(Path root, Path dir) {
        static final String NAME = "rtdpstep";

        List<String> launcher(int host) {
            return List.of("ip", "netns", "exec", NAME + "-h" + host);
        }

        String address(int host) {
            return "10.78.0." + (host + 1);
        }

        void script(String... args) throws Exception {
            List<String> command = new ArrayList<>(List.of(root.resolve("deploy/bin/ringtrain-hosts").toString()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("RINGTRAIN_HOSTS_NAME", NAME);
            builder.environment().put("RINGTRAIN_HOSTS_DIR", dir.toString());
            builder.environment().put("RINGTRAIN_HOSTS_SUBNET", "10.78.0.0/24");
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) throw new HostsRefused(out.isEmpty() ? "ringtrain-hosts " + String.join(" ", args) + " failed" : out, p.exitValue());
        }
    }

    /** ringtrain-hosts said no (status 2: no root or no ip netns), with its message. */
    private static final class HostsRefused extends RuntimeException {
        final int status;

        HostsRefused(String message, int status) {
            super(message);
            this.status = status;
        }
    }

    /** Ports of the rings across hosts: a fresh pair per launch, so a port of the last one in TIME_WAIT is never reused. */
    private static int nextHostPort = 29_800;

    /**
     * PyTorch DDP's mean step time (the slowest replica's) for {@code world} replica processes, one
     * core each, from {@code tools/bench/dpstep_ddp_ref.py} run with /usr/bin/python3 (Debian's
     * python3-torch). It gets 30 warm-up steps: it has no JIT to wait for.
     */
    private static double pytorchDdpStepMillis(int world, int timedSteps, int batch) throws Exception {
        Path script = Path.of(System.getProperty("ringtrain.root", "."), "tools/bench/dpstep_ddp_ref.py");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("reference script " + script + " not found; run from the project root (deploy/bin/bench sets -Dringtrain.root) or pass -Ddpstep.reference=false");
        }
        List<String> cmd = List.of("/usr/bin/python3", script.toString(), "--world", Integer.toString(world), "--batch", Integer.toString(batch),
                "--steps", Integer.toString(timedSteps));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        JsonNode result = resultLine(p, "{\"world\"", exit -> "the PyTorch DDP reference failed (exit " + exit + ", " + cmd
                + "); it needs Debian's python3-torch (apt-get install python3-torch), or pass -Ddpstep.reference=false");
        return result.path("mean_step_ms").asDouble();
    }

    /**
     * The step time the ratios use: the mean over the timed steps, not the median, because a
     * garbage-collection pause on either replica stalls both (they run in lockstep), and a median
     * would leave those pauses out of what is meant to be throughput.
     */
    private static final String STEP = "mean_step_ms";
    private static String compression = "none";

    /** The set-ups a round runs: replica processes, and how they synchronise. */
    private enum Setup {
        SINGLE(1, false, false, true, false),
        SHARED_RING(2, false, false, true, false),
        // two single replicas side by side, no communication: what sharing the machine alone costs
        SIDE_BY_SIDE(2, true, false, true, false),
        // SyncBatchNorm on a ring of its own (its blocking collectives then skip the gradient queue)
        OWN_RING(2, false, true, true, false),
        // plain BatchNorm, per replica (DDP's default; the job's syncBatchNorm = false)
        PLAIN_BN(2, false, false, false, false),
        // plain BatchNorm, replicas kept in step by a barrier, gradients packed but not sent: what
        // running in lockstep costs by itself (each step lasts as long as the slower replica's)
        LOCKSTEP(2, false, false, false, true);

        final int processes;
        final boolean independent, statsRing, syncBn, lockstepOnly;

        Setup(int processes, boolean independent, boolean statsRing, boolean syncBn, boolean lockstepOnly) {
            this.processes = processes;
            this.independent = independent;
            this.statsRing = statsRing;
            this.syncBn = syncBn;
            this.lockstepOnly = lockstepOnly;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static double slowest(List<JsonNode> ranks) {
        double worst = 0;
        for (JsonNode n : ranks) worst = Math.max(worst, n.path(STEP).asDouble());
        return worst;
    }

    /**
     * Starts the set-up's replica JVMs, each pinned to its own core (with taskset, where the machine
     * has two), replica r in host r of {@code hosts} where given (else on loopback), and returns
     * each one's JSON line.
     */
    private static List<JsonNode> launch(Setup setup, int timedSteps, int batch, Hosts hosts) throws Exception {
        int processes = setup.processes;
        List<String> peers = new ArrayList<>();
        for (int r = 0; r < (setup.statsRing ? 2 : 1) * processes; r++) {
            if (hosts != null) { // replica r % processes on host r % processes; each ring a port of its own
                peers.add(hosts.address(r % processes) + ":" + (nextHostPort + r / processes));
                continue;
            }
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                peers.add("127.0.0.1:" + probe.getLocalPort());
            }
        }
        if (hosts != null) nextHostPort += 2;
        boolean pin = Files.isExecutable(Path.of("/usr/bin/taskset")) && Runtime.getRuntime().availableProcessors() >= 2;
        List<Process> started = new ArrayList<>();
        for (int r = 0; r < processes; r++) {
            List<String> cmd = new ArrayList<>();
            if (hosts != null) cmd.addAll(hosts.launcher(r));
            if (pin) cmd.addAll(List.of("/usr/bin/taskset", "-c", Integer.toString(r)));
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "-XX:ActiveProcessorCount=1", "-Dringtrain.threads=1",
                    // a fixed heap whose young generation holds ~15 steps of activations and gradients
                    // (~80 MB a step): one collection every ~15 steps rather than one a step
                    "-Xms2g", "-Xmx2g", "-Xmn1200m",
                    "-Ddpstep.statsRing=" + setup.statsRing, "-Ddpstep.compression=" + compression, "-Ddpstep.syncBn=" + setup.syncBn,
                    "-Ddpstep.lockstep=" + setup.lockstepOnly, "-Ddpstep.fakeComm=" + setup.lockstepOnly,
                    "-Ddpstep.warmupSteps=" + Integer.getInteger("dpstep.warmupSteps", DpStepWorker.WARMUP_STEPS),
                    "-cp", System.getProperty("java.class.path"), DpStepWorker.class.getName(),
                    Integer.toString(setup.independent ? 0 : r), Integer.toString(timedSteps), Integer.toString(batch)));
            cmd.addAll(setup.independent ? List.of(peers.get(r)) : peers);
            started.add(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        List<JsonNode> out = new ArrayList<>();
        for (Process p : started) out.add(resultLine(p, "{\"rank\"", exit -> "dp-step worker failed (exit " + exit + ")"));
        return out;
    }

    /**
     * The last line of {@code p}'s output starting with {@code prefix}, parsed, once {@code p} has
     * exited 0; otherwise an error with {@code failure}'s message for the exit status.
     */
    private static JsonNode resultLine(Process p, String prefix, java.util.function.IntFunction<String> failure) throws Exception {
        JsonNode result = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = in.readLine()) != null; ) if (line.startsWith(prefix)) result = JSON.readTree(line);
        }
        if (p.waitFor() != 0 || result == null) throw new IllegalStateException(failure.apply(p.exitValue()));
        return result;
    }
}
