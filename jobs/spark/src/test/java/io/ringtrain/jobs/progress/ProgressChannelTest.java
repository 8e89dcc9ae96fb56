package io.ringtrain.jobs.progress;

import io.ringtrain.trainer.loop.TrainingListener.EpochReport;
import io.ringtrain.trainer.loop.TrainingListener.StepReport;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rank 0's client and the driver's server: lines arrive, and nothing the driver does holds up training. */
class ProgressChannelTest {
    static final byte[] KEY = "progress-test-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Far beyond any deadline in these tests: only a hang fails it. */
    private static final Duration HANG = Duration.ofSeconds(30);

    static StepReport step(long globalStep) {
        return new StepReport(1, 1, (int) globalStep, 100, globalStep, 100_000_000L, 0.5, 0.1, 64, 10.0, 5.0);
    }

    /** Waits, within {@link #HANG}, until {@code lines} holds {@code count}. */
    static void awaitLines(List<String> lines, int count) throws InterruptedException {
        long giveUp = System.nanoTime() + HANG.toNanos();
        while (lines.size() < count && System.nanoTime() < giveUp) Thread.sleep(10);
        assertEquals(count, lines.size(), lines.toString());
    }

    @Test
    void aClientWithTheJobKeyDeliversItsLinesAndTheServerSaysItConnected() throws Exception {
        List<String> sink = new CopyOnWriteArrayList<>();
        AtomicInteger connected = new AtomicInteger();
        try (ProgressServer server = new ProgressServer(InetAddress.getLoopbackAddress(), KEY, sink::add, connected::incrementAndGet)) {
            try (ProgressClient client = new ProgressClient(server.address(), KEY)) {
                assertTrue(client.connected());
                client.onStep(step(1));
                client.onStep(step(2));
                client.onEpochEnd(new EpochReport(1, 1, 0.4, 640, 0.3, 0.9, 12.5, false));
                awaitLines(sink, 3);
            }
            assertTrue(sink.get(0).contains("\"global_step\":1"), sink.get(0));
            assertTrue(sink.get(2).startsWith("{\"type\":\"epoch\""), sink.get(2));
            assertEquals(1, connected.get());
            assertEquals(0, server.rejectedConnections());
        }
    }

    /**
     * Between attempts the driver closes every connection: a line the failed attempt's rank 0 sends
     * afterwards (held up behind a cut link) reaches nothing, while the next attempt's rank 0 connects
     * and reports as before.
     */
    @Test
    void afterDisconnectAllAnEarlierClientsLinesReachNothingAndANewClientIsHeard() throws Exception {
        List<String> sink = new CopyOnWriteArrayList<>();
        AtomicInteger connected = new AtomicInteger();
        try (ProgressServer server = new ProgressServer(InetAddress.getLoopbackAddress(), KEY, sink::add, connected::incrementAndGet);
             ProgressClient earlier = new ProgressClient(server.address(), KEY)) {
            earlier.onStep(step(1));
            awaitLines(sink, 1);

            server.disconnectAll();
            assertEquals(0, server.openConnections());
            earlier.onStep(step(2));   // the late line: its connection is gone
            try (ProgressClient next = new ProgressClient(server.address(), KEY)) {
                assertTrue(next.connected());
                next.onStep(step(3));
                awaitLines(sink, 2);
            }
            assertTrue(sink.get(1).contains("\"global_step\":3"), "the next client's line, not the earlier one's: " + sink);
            assertFalse(sink.stream().anyMatch(l -> l.contains("\"global_step\":2")), sink.toString());
            assertEquals(2, connected.get());
        }
    }

    @Test
    void aClientWhoseServerNeverAnswersGivesUpAtItsDeadlineAndTrainingGoesOn() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) { // the kernel accepts; nobody answers
            String address = InetAddress.getLoopbackAddress().getHostAddress() + ":" + silent.getLocalPort();
            ProgressClient client = assertTimeoutPreemptively(HANG, () -> new ProgressClient(address, KEY, Duration.ofMillis(300)));
            try (client) {
                assertFalse(client.connected());
                client.onStep(step(1)); // training goes on
                assertEquals(0, client.droppedLines(), "nothing was sent, so nothing counts as dropped");
            }
        }
    }

    @Test
    void aClientWithNoServerAtAllReturnsAndTrainingGoesOn() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        String address = InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
        try (ProgressClient client = assertTimeoutPreemptively(HANG, () -> new ProgressClient(address, KEY))) {
            assertFalse(client.connected());
            client.onStep(step(1));
        }
    }

    @Test
    void aServerThatStopsReadingDoesNotHoldUpOnStepLinesAreDroppedInstead() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> sink = new CopyOnWriteArrayList<>();
        try (ProgressServer server = new ProgressServer(InetAddress.getLoopbackAddress(), KEY, line -> {
            sink.add(line);
            try {
                release.await(60, TimeUnit.SECONDS); // the server's only I/O thread stalls: it reads nothing more
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, () -> {}); ProgressClient client = new ProgressClient(server.address(), KEY)) {
            assertTrue(client.connected());
            assertTimeoutPreemptively(HANG, () -> {
                for (long s = 1; s <= 200_000; s++) client.onStep(step(s)); // about 40 MB of lines: far more than the socket buffers hold
            });
            assertTrue(client.droppedLines() > 0, "every line was buffered somewhere: the test did not fill the buffers");
            release.countDown();
        }
    }
}
