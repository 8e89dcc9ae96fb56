package io.ringtrain.allreduce;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of one rank's port, for tests that must stand between two
 * ranks without a hook in the product. It relays bytes unchanged, recording the first bytes each
 * side sent on each connection (a handshake, to replay later), until {@link #mutate} is called;
 * from then on the client's bytes are read as ring frames ({@code int length}, then that many
 * bytes) and each goes through the {@link FrameMutator}. Switch only while no frame is in flight
 * (after every rank's {@code connect} returned and before the first collective): the relay then
 * reads the client's next byte as the start of a frame, whatever the handshake's wire format.
 */
final class FrameProxy implements AutoCloseable {
  /** Bytes recorded per direction and connection; a handshake is far shorter. */
  static final int RECORDED_BYTES = 4096;

  /** What to write in place of one client frame, and whether to close the connection after it. */
  record Rewrite(List<byte[]> writes, boolean closeAfter) {}

  /** Rewrites the client's frames, in order; called on one relay thread per connection. */
  interface FrameMutator {
    Rewrite next(byte[] frameWithLength);
  }

  /**
   * The first bytes of one relayed connection, each direction; {@code clientFirstFlight} of the
   * client's came before the server's first byte (a handshake's opening message).
   */
  record Recording(byte[] fromClient, byte[] fromServer, int clientFirstFlight) {
    byte[] firstFlight() {
      return java.util.Arrays.copyOf(fromClient, clientFirstFlight);
    }
  }

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Recording> recordings = new CopyOnWriteArrayList<>();
  private volatile FrameMutator mutator;
  private volatile boolean closed;

  FrameProxy(int targetPort) throws IOException {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accepting = new Thread(this::acceptLoop, "frame-proxy-accept-" + targetPort);
    accepting.setDaemon(true);
    accepting.start();
  }

  /** {@code 127.0.0.1:port} to give the client in place of the target's address. */
  String address() {
    return InetAddress.getLoopbackAddress().getHostAddress() + ":" + listener.getLocalPort();
  }

  /** From now on the client's frames go through {@code frames} (see the class comment for when to call). */
  void mutate(FrameMutator frames) {
    this.mutator = frames;
  }

  /** What each connection relayed so far carried first, in the order they were accepted. */
  List<Recording> recordings() {
    return List.copyOf(recordings);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(target.getAddress(), target.getPort());
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
        ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
        int index = recordings.size();
        recordings.add(new Recording(new byte[0], new byte[0], 0));
        java.util.concurrent.atomic.AtomicInteger firstFlight = new java.util.concurrent.atomic.AtomicInteger(-1);
        Runnable record = () -> {
          synchronized (recordings) { // one update at a time, so a stale snapshot never lands last
            byte[] clientBytes = snapshot(fromClient);
            byte[] serverBytes = snapshot(fromServer);
            if (serverBytes.length > 0) firstFlight.compareAndSet(-1, clientBytes.length);
            recordings.set(index, new Recording(clientBytes, serverBytes, firstFlight.get() < 0 ? clientBytes.length : firstFlight.get()));
          }
        };
        start("frame-proxy-up", () -> relayClient(client, server, fromClient, record));
        start("frame-proxy-down", () -> relayRaw(server.getInputStream(), client.getOutputStream(), fromServer, record, client, server));
      } catch (IOException e) {
        if (!closed) throw new IllegalStateException("frame proxy to " + target + " failed", e);
      }
    }
  }

  private interface Relay {
    void run() throws IOException;
  }

  private void start(String name, Relay relay) {
    Thread thread = new Thread(() -> {
      try {
        relay.run();
      } catch (IOException endOfConnection) {
        // either side closed or reset: the other side is closed below
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static byte[] snapshot(ByteArrayOutputStream recorded) {
    synchronized (recorded) {
      return recorded.toByteArray();
    }
  }

  /** The client's side: raw until a mutator is set, then frame by frame through it. */
  private void relayClient(Socket client, Socket server, ByteArrayOutputStream recorded, Runnable record) throws IOException {
    InputStream in = client.getInputStream();
    OutputStream out = server.getOutputStream();
    byte[] chunk = new byte[8192];
    try {
      int n;
      while (true) {
        n = in.read(chunk);
        if (n < 0) return;
        // bytes read once the mutator is set are frames: the handshake's were all relayed before
        // (the ranks finished it before the test set the mutator)
        if (mutator != null) break;
        keep(recorded, chunk, n, record);
        out.write(chunk, 0, n);
        out.flush();
      }
      DataInputStream frames = new DataInputStream(new SequenceInputStream(new ByteArrayInputStream(chunk, 0, n), in));
      FrameMutator frameMutator = mutator;
      while (true) {
        int length = frames.readInt(); // from the real rank: trusted to be a sane length
        byte[] frame = new byte[4 + length];
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        frames.readFully(frame, 4, length);
        Rewrite rewrite = frameMutator.next(frame);
        for (byte[] bytes : rewrite.writes()) out.write(bytes);
        out.flush();
        if (rewrite.closeAfter()) return;
      }
    } finally {
      closeQuietly(client);
      closeQuietly(server);
    }
  }

  private static void relayRaw(InputStream in, OutputStream out, ByteArrayOutputStream recorded, Runnable record, Socket a, Socket b)
      throws IOException {
    byte[] chunk = new byte[8192];
    try {
      int n;
      while ((n = in.read(chunk)) >= 0) {
        keep(recorded, chunk, n, record);
        out.write(chunk, 0, n);
        out.flush();
      }
    } finally {
      closeQuietly(a);
      closeQuietly(b);
    }
  }

  private static void keep(ByteArrayOutputStream recorded, byte[] chunk, int n, Runnable record) {
    synchronized (recorded) {
      int room = RECORDED_BYTES - recorded.size();
      if (room <= 0) return;
      recorded.write(chunk, 0, Math.min(room, n));
    }
    record.run();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket socket : sockets) closeQuietly(socket);
  }
}
