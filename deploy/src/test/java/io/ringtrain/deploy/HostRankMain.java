package io.ringtrain.deploy;

import io.ringtrain.allreduce.CollectiveException;
import io.ringtrain.allreduce.CommunicatorConfig;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.RingCommunicator;
import io.ringtrain.allreduce.RingServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * One rank of {@link HostFaultsIT}, run in its host's namespace by allreduce's {@code RankProcesses}.
 * Arguments: {@code rank world generation timeoutMillis floats bindAddress iterations cutAtSequence}.
 *
 * <p>It binds its ring server on {@code bindAddress}, prints {@code PORT p}, reads {@code PEERS
 * h:p,..} from stdin and prints {@code JOINING h:p,..}, then all-reduces {@code iterations} buffers
 * of {@code floats} values, each filled with rank + 1, checking every element of each sum.
 * <ul>
 *   <li>{@code cutAtSequence} ≥ 0: when all-reduce #cutAtSequence enters step 1 of its
 *       reduce-scatter, this rank takes its own host's link down ({@code ip link set eth0 down}, so
 *       the fault falls inside a collective every time) and prints {@code CUT <millis>}.</li>
 *   <li>All done: prints {@code DONE <millis>}, waits for {@code EXIT} on stdin, prints {@code
 *       REJECTED <n>} (connections its server refused in the handshake) and exits.</li>
 *   <li>A collective failed: prints {@code FAILED <millis> <culprit> <message>}. The rank that cut
 *       its link then waits on stdin: {@code REJOIN h:p,..} makes it dial that (restarted) ring with
 *       its own, now stale, generation and print {@code REFUSED <millis> <message>}, or {@code
 *       REJOINED} should the ring let it in.</li>
 * </ul>
 */
public final class HostRankMain {
    public static void main(String[] args) throws Exception {
        int rank = Integer.parseInt(args[0]);
        int world = Integer.parseInt(args[1]);
        int generation = Integer.parseInt(args[2]);
        Duration timeout = Duration.ofMillis(Long.parseLong(args[3]));
        int floats = Integer.parseInt(args[4]);
        InetAddress address = InetAddress.getByName(args[5]);
        int iterations = Integer.parseInt(args[6]);
        long cutAt = Long.parseLong(args[7]);

        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        RingServer server = RingServer.bind(address, 0);
        say("PORT " + server.boundPort());
        List<String> peers = peersAfter("PEERS ", stdin.readLine());
        say("JOINING " + String.join(",", peers));
        CommunicatorConfig.Builder config = CommunicatorConfig.builder().setPeers(peers).setRank(rank).setSecret(SECRET)
                .optGeneration(generation).optTimeout(timeout);
        if (cutAt >= 0) {
            config.optStepListener((op, sequence, phase, step) -> {
                if (sequence == cutAt && phase.equals("reduce-scatter") && step == 1) cutOwnLink();
            });
        }
        try (RingCommunicator communicator = RingCommunicator.connect(server, config.build())) {
            float[] buffer = new float[floats];
            float expected = world * (world + 1) / 2f;
            for (int i = 0; i < iterations; i++) {
                Arrays.fill(buffer, rank + 1);
                communicator.allReduce(buffer, ReduceOp.SUM);
                for (int e = 0; e < floats; e++) {
                    if (buffer[e] != expected) {
                        say("WRONG all-reduce #" + i + " element " + e + ": " + buffer[e] + ", expected " + expected);
                        System.exit(1);
                    }
                }
            }
            say("DONE " + System.currentTimeMillis());
            String line;
            while ((line = stdin.readLine()) != null && !line.equals("EXIT")) {
                // nothing else is expected until EXIT
            }
            say("REJECTED " + communicator.rejectedConnections());
        } catch (CollectiveException e) {
            int culprit = e.failure() == null ? -1 : e.failure().culprit();
            say("FAILED " + System.currentTimeMillis() + " " + culprit + " " + e.getMessage().replace('\n', ' '));
            if (cutAt >= 0) rejoinWhenTold(stdin, rank, generation, address);
        }
        System.exit(0);
    }

    /** The stale rank: dials the ring it is given with its old generation, which that ring must refuse. */
    private static void rejoinWhenTold(BufferedReader stdin, int rank, int staleGeneration, InetAddress address) throws IOException {
        String line = stdin.readLine();
        if (line == null || !line.startsWith("REJOIN ")) return;
        List<String> peers = peersAfter("REJOIN ", line);
        CommunicatorConfig config = CommunicatorConfig.builder().setPeers(peers).setRank(rank).setSecret(SECRET)
                .optGeneration(staleGeneration).optConnectTimeout(REJOIN_TIMEOUT).build();
        try (RingCommunicator joined = RingCommunicator.connect(RingServer.bind(address, 0), config)) {
            say("REJOINED");
        } catch (CollectiveException e) {
            say("REFUSED " + System.currentTimeMillis() + " " + e.getMessage().replace('\n', ' '));
        }
    }

    private static void cutOwnLink() {
        try {
            Process ip = new ProcessBuilder("ip", "link", "set", NamespaceHosts.INTERFACE, "down").redirectErrorStream(true).start();
            String said = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (ip.waitFor() != 0) throw new IllegalStateException("ip link set " + NamespaceHosts.INTERFACE + " down failed: " + said);
            say("CUT " + System.currentTimeMillis());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> peersAfter(String prefix, String line) {
        if (line == null || !line.startsWith(prefix)) throw new IllegalStateException("expected " + prefix.strip() + " on stdin, got " + line);
        return List.of(line.substring(prefix.length()).trim().split(","));
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static final byte[] SECRET = "host-faults-secret".getBytes(StandardCharsets.US_ASCII);
    /** How long the stale rank keeps dialling the restarted ring (every refusal is retried after 100 ms). */
    private static final Duration REJOIN_TIMEOUT = Duration.ofSeconds(3);

    private HostRankMain() {}
}
