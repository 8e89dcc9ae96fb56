package io.ringtrain.jobs.progress;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The driver's end of the progress channel: rank 0 of a training stage connects, proves the job
 * secret ({@link SecretHandshake}) and streams JSON lines, which go to {@code sink}. Binds to the
 * driver's address (not the wildcard). Peers that fail the handshake, stall in it, or send a line
 * over 64 KiB are disconnected and counted; they never reach the sink.
 */
public final class ProgressServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ProgressServer.class.getName());
    private static final int MAX_LINE = 64 * 1024;
    private final ServerSocket socket;
    private final byte[] secret;
    private final Consumer<String> sink;
    private final Runnable onConnected;
    private final Thread acceptor;
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean closed;

    /** {@code onConnected} runs when a peer has proven the secret (rank 0 connects once its model and data are ready). */
    public ProgressServer(InetAddress bindAddress, byte[] secret, Consumer<String> sink, Runnable onConnected) throws IOException {
        this.onConnected = onConnected;
        this.socket = new ServerSocket();
        this.socket.bind(new InetSocketAddress(bindAddress, 0), 8);
        this.secret = secret.clone();
        this.sink = sink;
        this.acceptor = new Thread(this::acceptLoop, "ringtrain-progress-server");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** {@code host:port} for the tasks. */
    public String address() {
        return socket.getInetAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    public long rejectedConnections() {
        return rejected.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> serve(s), "ringtrain-progress-reader");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) LOG.warning("progress server accept failed: " + e.getMessage());
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(10_000); // the handshake must finish promptly
            if (!SecretHandshake.challenge(new DataInputStream(s.getInputStream()), new DataOutputStream(s.getOutputStream()), secret)) {
                rejected.incrementAndGet();
                LOG.warning("progress channel: rejected " + s.getRemoteSocketAddress() + " (wrong job secret)");
                return;
            }
            s.setSoTimeout(0);
            onConnected.run();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8), 8192);
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    sink.accept(line.toString());
                    line.setLength(0);
                } else if (line.length() >= MAX_LINE) {
                    rejected.incrementAndGet();
                    LOG.warning("progress channel: " + s.getRemoteSocketAddress() + " sent a line over " + MAX_LINE + " bytes; disconnected");
                    return;
                } else {
                    line.append((char) c);
                }
            }
        } catch (SocketTimeoutException | java.io.EOFException e) {
            rejected.incrementAndGet();
            LOG.warning("progress channel: " + s.getRemoteSocketAddress() + " did not complete the handshake; disconnected");
        } catch (IOException e) {
            if (!closed) LOG.fine("progress connection ended: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
