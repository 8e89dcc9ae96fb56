package io.ringtrain.deploy;

import io.ringtrain.allreduce.process.RankProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Faults between hosts, on the ring itself: three hosts of {@code deploy/bin/ringtrain-hosts}
 * (network namespaces, links shaped to 1 Gbit/s), one rank JVM per host bound to its host's address
 * ({@link HostRankMain}), all-reducing 4 MiB buffers. Rank 1 takes its host's link down ({@code ip
 * link set eth0 down}) when all-reduce #3 enters step 1 of its reduce-scatter: nothing is closed or
 * reset, packets just stop, as when a cable or a switch port fails. The detection times are printed
 * as {@code [host-faults]} lines.
 *
 * <p>Skipped, with the reason, where the machine allows no network namespaces (no root, or no
 * {@code ip netns}). On a shared machine run it under the lock the namespace benchmarks take.
 */
class HostFaultsIT {
    private static final int WORLD = 3;
    private static final int VICTIM = 1;
    private static final long CUT_AT = 3;
    private static final int FLOATS = 1 << 20;
    /** The collective timeout, and what scheduling and JIT on a loaded 2-core machine may add to it. */
    private static final long TIMEOUT_MILLIS = 3000;
    private static final long SLACK_MILLIS = 2500;
    private static final List<String> JVM_FLAGS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dringtrain.allreduce.kernelWarmUp=false");
    private static final Path ROOT = ProjectFiles.root();
    private static final File LOGS = ROOT.resolve("deploy/target/it-logs/host-faults").toFile();

    private static NamespaceHosts hosts;

    @BeforeAll
    static void startHosts() throws Exception {
        assumeTrue(NamespaceHosts.allowed(), "network namespaces need root and 'ip netns' (iproute2); this machine allows neither, so no hosts can be made");
        // apart from MultiHostIT's and the benchmark's hosts (10.77.0.0/24): a name and a subnet of their own
        hosts = NamespaceHosts.start(ROOT, "rtfault", "10.78.0", WORLD, "1gbit", ROOT.resolve("deploy/target/host-faults"));
    }

    @AfterAll
    static void stopHosts() throws Exception {
        if (hosts != null) hosts.close();
    }

    @Test
    void aCutLinkFailsEveryRankWithinTheTimeoutNamingThePeer() throws Exception {
        try (RankProcesses ring = startRing(1, 1000, true, "cut")) {
            Cut cut = awaitCut(ring);
            report(cut);
            for (int rank = 0; rank < WORLD; rank++) {
                Failure f = cut.failures().get(rank);
                assertTrue(f.afterCutMillis() <= TIMEOUT_MILLIS + SLACK_MILLIS,
                        "rank " + rank + " failed " + f.afterCutMillis() + " ms after the cut, beyond the " + TIMEOUT_MILLIS + " ms timeout: " + f.message());
                assertTrue(f.message().matches(".*allReduce #[34].*"), "rank " + rank + " names the collective: " + f.message());
                assertTrue(f.culprit() >= 0 && f.culprit() != rank && f.message().contains("rank " + f.culprit()),
                        "rank " + rank + " names a peer: " + f.message());
            }
            // The victim's downstream neighbour waited on it; it (or its abort) names the victim to every survivor.
            for (int rank = 0; rank < WORLD; rank++) {
                if (rank != VICTIM) assertEquals(VICTIM, cut.failures().get(rank).culprit(), "survivor " + rank + " blames the host that went away: " + cut.failures().get(rank).message());
            }
        } finally {
            hosts.link(VICTIM, true);
        }
    }

    @Test
    void aHostBackAfterACutWithAStaleGenerationIsRefusedAndTheRestartedRingCompletes() throws Exception {
        try (RankProcesses first = startRing(1, 1000, true, "stale-first")) {
            report(awaitCut(first));
            hosts.link(VICTIM, true);
            long restart = System.currentTimeMillis();
            try (RankProcesses restarted = startRing(2, 10, false, "stale-restarted")) {
                String peers = null;
                while (peers == null) {
                    RankProcesses.Line line = next(restarted, "the restarted ranks' peers");
                    if (line.text().startsWith("JOINING ")) peers = line.text().substring("JOINING ".length());
                }
                tell(first, VICTIM, "REJOIN " + peers);
                String refused = null;
                while (refused == null) {
                    RankProcesses.Line line = next(first, "the stale rank's rejoin");
                    assertTrue(!line.text().equals("REJOINED"), "the restarted ring let rank " + VICTIM + " of generation 1 in");
                    if (line.text().startsWith("REFUSED ")) refused = line.text();
                }
                Map<Integer, Long> done = new TreeMap<>();
                while (done.size() < WORLD) {
                    RankProcesses.Line line = next(restarted, "the restarted ring's all-reduces");
                    assertTrue(!line.text().startsWith("WRONG") && !line.text().startsWith("FAILED"), "rank " + line.rank() + " of the restarted ring: " + line.text());
                    if (line.text().startsWith("DONE ")) done.put(line.rank(), Long.parseLong(line.text().substring(5).trim()));
                }
                for (int rank = 0; rank < WORLD; rank++) tell(restarted, rank, "EXIT");
                Map<Integer, Long> rejected = new TreeMap<>();
                while (rejected.size() < WORLD) {
                    RankProcesses.Line line = next(restarted, "the restarted ranks' refusals");
                    if (line.text().startsWith("REJECTED ")) rejected.put(line.rank(), Long.parseLong(line.text().substring(9).trim()));
                }
                long ringMillis = done.values().stream().mapToLong(Long::longValue).max().orElseThrow() - restart;
                System.out.println("[host-faults] stale host: rank " + VICTIM + " (generation 1) dialled the restarted ring (generation 2) and was refused "
                        + rejected.get(0) + " times by rank 0 (" + refused.split(" ", 3)[2] + "); the restarted ring completed 10 all-reduces, "
                        + ringMillis + " ms after the restart");
                assertTrue(rejected.get(0) >= 1, "rank 0 of the restarted ring refused the stale rank's handshakes: " + rejected);
            }
        } finally {
            hosts.link(VICTIM, true);
        }
    }

    /** One rank's failure: when (after the cut), whom it blamed, and its message. */
    private record Failure(long afterCutMillis, int culprit, String message) {}

    private record Cut(long cutMillis, Map<Integer, Failure> failures) {}

    /** Ranks of generation {@code generation}; with {@code cut}, rank {@value #VICTIM} cuts its link in all-reduce #{@value #CUT_AT}. */
    private static RankProcesses startRing(int generation, int iterations, boolean cut, String logs) throws IOException, InterruptedException {
        long cutAt = cut ? CUT_AT : -1;
        return RankProcesses.start(WORLD, HostRankMain.class, JVM_FLAGS,
                r -> List.of(Integer.toString(r), Integer.toString(WORLD), Integer.toString(generation), Long.toString(TIMEOUT_MILLIS),
                        Integer.toString(FLOATS), hosts.address(r), Integer.toString(iterations), Long.toString(r == VICTIM ? cutAt : -1)),
                new File(LOGS, logs), 60_000, hosts::launcher, hosts::address);
    }

    /** Waits for the cut and for every rank's failure. */
    private static Cut awaitCut(RankProcesses ring) throws InterruptedException {
        Long cut = null;
        Map<Integer, String[]> failed = new TreeMap<>();
        while (cut == null || failed.size() < WORLD) {
            RankProcesses.Line line = next(ring, "the cut and every rank's failure");
            assertTrue(!line.text().startsWith("DONE") && !line.text().startsWith("WRONG"), "rank " + line.rank() + ": " + line.text());
            if (line.text().startsWith("CUT ")) cut = Long.parseLong(line.text().substring(4).trim());
            if (line.text().startsWith("FAILED ")) failed.put(line.rank(), line.text().split(" ", 4));
        }
        Map<Integer, Failure> failures = new TreeMap<>();
        for (Map.Entry<Integer, String[]> e : failed.entrySet()) {
            String[] parts = e.getValue();
            failures.put(e.getKey(), new Failure(Long.parseLong(parts[1]) - cut, Integer.parseInt(parts[2]), parts[3]));
        }
        return new Cut(cut, failures);
    }

    private static void report(Cut cut) {
        cut.failures().forEach((rank, f) -> System.out.println("[host-faults] link of host " + VICTIM + " (rank " + VICTIM + ") cut in allReduce #" + CUT_AT
                + ": rank " + rank + " failed " + f.afterCutMillis() + " ms later (timeout " + TIMEOUT_MILLIS + " ms), naming rank " + f.culprit() + ": " + f.message()));
    }

    /** The next line of any rank; fails the test, naming what it waited for, after a minute of silence (a hang). */
    private static RankProcesses.Line next(RankProcesses ranks, String waitingFor) throws InterruptedException {
        RankProcesses.Line line = ranks.next(60_000);
        assertNotNull(line, "no rank said anything for 60 s while waiting for " + waitingFor + " (a hang?); logs in " + LOGS);
        return line;
    }

    private static void tell(RankProcesses ranks, int rank, String line) throws IOException {
        var stdin = ranks.process(rank).getOutputStream();
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }
}
