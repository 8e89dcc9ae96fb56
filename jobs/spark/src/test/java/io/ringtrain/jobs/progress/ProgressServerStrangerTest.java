package io.ringtrain.jobs.progress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strangers on the driver's progress port: silent, trickling, garbage, a bad length, lines without
 * a handshake, a wrong key, a replayed handshake and a flood. Each is closed by the server within
 * its handshake deadline (1 s here, plus slack for a loaded machine), is counted, adds no thread,
 * and puts nothing in the sink; a real client still gets through afterwards.
 */
class ProgressServerStrangerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final int CLOSE_LIMIT_MILLIS = (int) DEADLINE.toMillis() + 9000;
    /** I/O threads of the server and a client, plus the JVM's own comings and goings. */
    private static final int THREAD_SLACK = 6;
    private static final String LINE = "{\"type\":\"step\",\"epoch\":1,\"global_step\":1,\"total_steps\":2}\n";
    private final List<String> sink = new CopyOnWriteArrayList<>();
    private ProgressServer server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        server = new ProgressServer(InetAddress.getLoopbackAddress(), ProgressChannelTest.KEY, sink::add, () -> {}, DEADLINE);
        port = Integer.parseInt(server.address().substring(server.address().lastIndexOf(':') + 1));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(CLOSE_LIMIT_MILLIS);
        return socket;
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Reads until the server closes; fails if it keeps the connection past the limit. */
    private static void assertClosedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // whatever the server wrote (a CHALLENGE) before it closed
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept a stranger connected for " + CLOSE_LIMIT_MILLIS + " ms");
        } catch (SocketException reset) {
            // a reset is a close too
        }
    }

    private void assertStrangerClosed(byte[] sent) throws IOException {
        long rejectedBefore = server.rejectedConnections();
        try (Socket socket = connect()) {
            try {
                socket.getOutputStream().write(sent);
            } catch (IOException closedEarly) {
                // the server may close before reading everything
            }
            assertClosedByServer(socket);
        }
        assertTrue(server.rejectedConnections() > rejectedBefore, "the server did not count the stranger");
        assertEquals(List.of(), sink, "a stranger's bytes reached the sink");
    }

    @Test
    void aSilentStrangerIsClosedAtTheDeadline() throws IOException {
        assertStrangerClosed(new byte[0]);
    }

    @Test
    void garbageIsClosed() throws IOException {
        byte[] garbage = new byte[1000];
        new Random(24).nextBytes(garbage);
        garbage[0] = 0;
        garbage[1] = 0;
        garbage[2] = 0;
        garbage[3] = 60;
        assertStrangerClosed(garbage);
    }

    @Test
    void aFrameClaimingTwoGibibytesIsClosedWithoutAllocating() throws IOException {
        assertStrangerClosed(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4});
    }

    @Test
    void progressLinesWithoutAHandshakeNeverReachTheSink() throws IOException {
        assertStrangerClosed((LINE + LINE + LINE).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aClientWithAnotherKeyIsRefusedAndItsLinesGoNowhere() {
        long rejectedBefore = server.rejectedConnections();
        try (ProgressClient stranger = new ProgressClient(server.address(), "another-job-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII))) {
            assertFalse(stranger.connected());
            stranger.onStep(ProgressChannelTest.step(1));
        }
        assertTrue(server.rejectedConnections() > rejectedBefore);
        assertEquals(List.of(), sink);
    }

    @Test
    void aRecordedHandshakeReplayedOnANewConnectionIsRefused() throws Exception {
        // a real client through a recording relay: what an eavesdropper on the network would capture
        ByteArrayOutputStream recorded = new ByteArrayOutputStream();
        try (ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread relaying = new Thread(() -> {
                try (Socket client = relay.accept(); Socket upstream = connect()) {
                    Thread back = new Thread(() -> pump(upstream, client, new ByteArrayOutputStream()));
                    back.start();
                    pump(client, upstream, recorded);
                    back.join();
                } catch (IOException | InterruptedException e) {
                    // the test checks what arrived
                }
            });
            relaying.start();
            try (ProgressClient client = new ProgressClient(InetAddress.getLoopbackAddress().getHostAddress() + ":" + relay.getLocalPort(), ProgressChannelTest.KEY)) {
                assertTrue(client.connected());
                client.onStep(ProgressChannelTest.step(1));
                ProgressChannelTest.awaitLines(sink, 1);
            }
            relaying.join(CLOSE_LIMIT_MILLIS);
        }
        byte[] capture;
        synchronized (recorded) {
            capture = recorded.toByteArray();
        }
        assertTrue(capture.length > LINE.length(), "the relay recorded nothing");
        assertStrangerClosedAfter(capture);
        assertEquals(1, sink.size(), "the replayed line reached the sink: " + sink);
    }

    private void assertStrangerClosedAfter(byte[] replay) throws IOException {
        long rejectedBefore = server.rejectedConnections();
        try (Socket socket = connect()) {
            try {
                socket.getOutputStream().write(replay);
            } catch (IOException closedEarly) {
                // refused before the end
            }
            assertClosedByServer(socket);
        }
        assertTrue(server.rejectedConnections() > rejectedBefore, "the replay was not counted as a rejection");
    }

    private static void pump(Socket from, Socket to, ByteArrayOutputStream record) {
        byte[] buffer = new byte[4096];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (record) {
                    record.write(buffer, 0, n);
                }
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    @Test
    void twoHundredTricklingStrangersAddNoThreadsAndAreAllClosed() throws Exception {
        int before = threads();
        List<Socket> strangers = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) strangers.add(connect());
            int most = 0;
            long until = System.nanoTime() + DEADLINE.toNanos() * 3;
            while (System.nanoTime() < until) { // one byte every 100 ms: each would restart a per-read timeout
                for (Socket s : strangers) {
                    try {
                        s.getOutputStream().write(0);
                    } catch (IOException closed) {
                        // closed by the server: as it should be
                    }
                }
                most = Math.max(most, threads() - before);
                assertTrue(server.openConnections() <= ProgressServer.MAX_CONNECTIONS, server.openConnections() + " open connections");
                Thread.sleep(100);
            }
            assertTrue(most <= THREAD_SLACK, "200 trickling strangers added " + most + " threads");
            for (Socket s : strangers) assertClosedByServer(s);
        } finally {
            for (Socket s : strangers) s.close();
        }
        assertTrue(server.rejectedConnections() >= 200, server.rejectedConnections() + " rejections counted");
        assertEquals(List.of(), sink);
    }

    @Test
    void aFloodOfConnectionsIsBoundedAndARealClientStillGetsThrough() throws Exception {
        int before = threads();
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                Socket s = connect();
                if (i % 2 == 0) s.close(); else held.add(s);
            }
            assertTrue(threads() - before <= THREAD_SLACK, "the flood added " + (threads() - before) + " threads");
            assertTrue(server.openConnections() <= ProgressServer.MAX_CONNECTIONS, server.openConnections() + " open connections");
            for (int i = 0; i < 20; i++) assertClosedByServer(held.get(held.size() - 1 - i)); // beyond the limit: closed at once
        } finally {
            for (Socket s : held) s.close();
        }
        // once the held strangers are gone, the job's own client is served as before
        long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.openConnections() > 0 && System.nanoTime() < giveUp) Thread.sleep(10);
        try (ProgressClient client = new ProgressClient(server.address(), ProgressChannelTest.KEY)) {
            assertTrue(client.connected());
            client.onStep(ProgressChannelTest.step(1));
            ProgressChannelTest.awaitLines(sink, 1);
        }
    }
}
