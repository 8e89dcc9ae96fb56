package io.ringtrain.trainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code deploy/bin/bench dp-step [steps] [batch]}: fmnist-cnn step time with W = 1 and W = 2
 * replicas, each a separate JVM limited to one core (-XX:ActiveProcessorCount=1, one kernel
 * thread), at equal per-replica batch. Prints the scaling efficiency (throughput W=2 ÷ 2 ×
 * throughput W=1) as the line's ratio, and the share of all-reduce time hidden behind backward.
 */
public final class DpStepBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        JsonNode single = run(1, steps, batch).get(0);
        List<JsonNode> pair = run(2, steps, batch);
        double t1 = single.path("median_step_ms").asDouble();
        double t2 = Math.max(pair.get(0).path("median_step_ms").asDouble(), pair.get(1).path("median_step_ms").asDouble());
        double throughput1 = batch / (t1 / 1000), throughput2 = 2 * batch / (t2 / 1000);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"dp-step\",\"params\":{\"world\":2,\"batch\":%d,\"cores_per_replica\":1},\"metric\":\"scaling_efficiency\",\"ours\":%.1f,\"reference\":%.1f,\"ratio\":%.3f}",
                batch, throughput2, 2 * throughput1, throughput2 / (2 * throughput1)));
        double comm = pair.get(0).path("comm_ms").asDouble(), exposed = pair.get(0).path("exposed_comm_ms").asDouble();
        double hidden = comm <= 0 ? 1 : 1 - exposed / comm;
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"dp-step\",\"params\":{\"world\":2,\"batch\":%d},\"metric\":\"comm_hidden_share\",\"ours\":%.3f,\"reference\":1.0,\"ratio\":%.3f,\"comm_ms_per_step\":%.2f,\"exposed_comm_ms_per_step\":%.2f,\"step_ms_w1\":%.2f,\"step_ms_w2\":%.2f}",
                batch, hidden, hidden, comm, exposed, t1, t2));
    }

    private static List<JsonNode> run(int world, int steps, int batch) throws Exception {
        List<String> peers = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                peers.add("127.0.0.1:" + probe.getLocalPort());
            }
        }
        List<Process> processes = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "-XX:ActiveProcessorCount=1", "-Dringtrain.threads=1", "-Xmx2g",
                    "-cp", System.getProperty("java.class.path"), DpStepWorker.class.getName(),
                    Integer.toString(r), Integer.toString(steps), Integer.toString(batch)));
            cmd.addAll(peers);
            processes.add(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        List<JsonNode> out = new ArrayList<>();
        for (Process p : processes) {
            JsonNode result = null;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = in.readLine()) != null; ) if (line.startsWith("{\"rank\"")) result = JSON.readTree(line);
            }
            if (p.waitFor() != 0 || result == null) throw new IllegalStateException("dp-step worker failed (exit " + p.exitValue() + ")");
            out.add(result);
        }
        return out;
    }
}
