package io.ringtrain.allreduce.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The authenticated connections to one peer rank, seen from the collective thread: K ≥ 1 {@link
 * PeerConnection}s, each an inbox of frames received in order and a bounded window of frames
 * being written (memory stays bounded as its class comment says).
 *
 * <p>Striping: a data frame of segment i goes over connection i mod K, on both ends, so each
 * connection carries its frames in the order both ends issue them and a receiver waiting for
 * segment i reads only connection i mod K. Frames are the same as over one connection (the same
 * bytes, reduced in the same order), so results do not depend on K. Aborts go over the first
 * connection that is open.
 *
 * <p>Ownership: frames in an inbox belong to the link until {@link #take} hands one out; the
 * taker releases it. {@link #discardInbox} releases whatever is left.
 */
public final class PeerLink implements PayloadPlacer {
  /** Marker left in an inbox when its connection closed; it stays there for every later take. */
  public static final Object CLOSED = new Object();

  static final int INBOX_HIGH_WATER = 12;
  static final int INBOX_LOW_WATER = 2;

  private final int rank;
  private final String address;
  private final PeerConnection[] connections;
  /** Memory where the payloads of expected frames go; posted by the collective thread, taken on the event loops. */
  private final ConcurrentHashMap<Slot, ByteBuffer> posted = new ConcurrentHashMap<>();
  private final AtomicLong placedPayloads = new AtomicLong();

  /** A frame of one collective: ring generation, sequence number, step, segment. */
  private record Slot(int generation, long sequence, int step, int segment) {}

  /** One connection to the peer. */
  public PeerLink(int rank, String address, int sendWindow) {
    this(rank, address, sendWindow, 1);
  }

  /** {@code connections} connections to the peer, each with a window of {@code sendWindow} frames. */
  public PeerLink(int rank, String address, int sendWindow, int connections) {
    if (connections < 1) throw new IllegalArgumentException("a peer needs at least one connection, not " + connections);
    this.rank = rank;
    this.address = address;
    this.connections = new PeerConnection[connections];
    for (int c = 0; c < connections; c++) this.connections[c] = new PeerConnection(describe(), sendWindow);
  }

  /** K, the connections to this peer. */
  public int connections() {
    return connections.length;
  }

  /** The connection that carries the frames of {@code segment}: segment mod K. */
  public int connectionOf(int segment) {
    return Math.floorMod(segment, connections.length);
  }

  /**
   * Waits until every frame handed to Netty has been written to the socket (or has failed); false
   * if some are still waiting at {@code deadlineNanos}. {@code failure} is polled every few
   * milliseconds: a non-null result is thrown at once.
   */
  public boolean awaitWritten(long deadlineNanos, Supplier<RuntimeException> failure) throws InterruptedException {
    for (PeerConnection connection : connections) {
      if (!connection.awaitWritten(deadlineNanos, failure)) return false;
    }
    return true;
  }

  public int rank() {
    return rank;
  }

  /** Send stall summed over this peer's connections: see {@link PeerConnection#sendStallNanos}. */
  public long sendStallNanos() {
    long stalled = 0;
    for (PeerConnection connection : connections) stalled += connection.sendStallNanos();
    return stalled;
  }

  /** {@code rank 2 (10.0.0.3:40123)}, for messages. */
  public String describe() {
    return "rank " + rank + " (" + address + ")";
  }

  /** The first connection's channel. */
  public Channel channel() {
    return channel(0);
  }

  public Channel channel(int connection) {
    return connections[connection].channel();
  }

  /** True once every connection is bound. */
  public boolean isAttached() {
    for (PeerConnection connection : connections) if (!connection.isAttached()) return false;
    return true;
  }

  public boolean isAttached(int connection) {
    return connections[connection].isAttached();
  }

  /** Binds the first connection's authenticated channel; false when it already has one (a duplicate). */
  public boolean attach(Channel authenticated) {
    return attach(0, authenticated);
  }

  /** Binds connection {@code connection}'s authenticated channel; false when it already has one (a duplicate). */
  public boolean attach(int connection, Channel authenticated) {
    return connections[connection].attach(authenticated);
  }

  /** A frame, or {@link #CLOSED}, received on the first connection. */
  public void deliver(Object frame) {
    deliver(0, frame);
  }

  /** Called on connection {@code connection}'s event loop for every frame received, and with {@link #CLOSED}. */
  public void deliver(int connection, Object frame) {
    connections[connection].deliver(frame);
  }

  /** The next frame on the first connection: see {@link #take(int, long, Supplier)}. */
  public Object take(long deadlineNanos, Supplier<RuntimeException> failure) throws TimeoutException {
    return connections[0].take(deadlineNanos, failure);
  }

  /**
   * Returns the next frame (the caller releases it) or {@link #CLOSED} from the connection that
   * carries {@code segment}; waits until {@code deadlineNanos} ({@link System#nanoTime()} scale).
   * {@code failure} is polled whenever the link is woken: a non-null result is thrown at once.
   */
  public Object take(int segment, long deadlineNanos, Supplier<RuntimeException> failure) throws TimeoutException {
    return connections[connectionOf(segment)].take(deadlineNanos, failure);
  }

  /** Wakes every {@link #take} in progress so that it re-checks the failure supplier. */
  public void wake() {
    for (PeerConnection connection : connections) connection.wake();
  }

  /**
   * Hands {@code frame} (a {@link DataFrame} or {@link AbortFrame}) to Netty once the send window
   * of its connection (see the class comment) has room; ownership of the frame passes to the
   * channel. Waits at most until {@code deadlineNanos}, polling {@code failure} every few
   * milliseconds.
   */
  public void send(Object frame, long deadlineNanos, Supplier<RuntimeException> failure) throws TimeoutException {
    int connection = frame instanceof DataFrame data ? connectionOf(data.segment()) : 0;
    connections[connection].send(frame, deadlineNanos, failure);
  }

  /**
   * Has the payload of this frame (when it arrives over a connection that reads in place) written
   * straight into {@code destination}, which must then be exactly as long as the payload. The
   * caller must not touch that memory until it has taken the frame or {@link #unpost}ed it, and
   * should post only what no frame still waiting to be written reads from. After a failure a
   * posted payload may still land there while the connection closes.
   */
  public void post(CollectiveHeader collective, int step, int segment, ByteBuffer destination) {
    posted.put(new Slot(collective.generation(), collective.sequence(), step, segment), destination);
  }

  /** Withdraws what {@code collective} posted and was not received (after a failure, or a frame that came whole). */
  public void unpost(CollectiveHeader collective) {
    if (!posted.isEmpty()) posted.keySet().removeIf(slot -> slot.sequence() == collective.sequence());
  }

  /** Payloads received straight into posted memory so far. */
  public long placedPayloads() {
    return placedPayloads.get();
  }

  @Override
  public ByteBuf placeFor(ByteBuf header, int payloadBytes) {
    if (posted.isEmpty()) return null;
    int at = header.readerIndex();
    if (header.getByte(at) != WireFormat.DATA) return null;
    Slot slot = new Slot(header.getInt(at + WireFormat.GENERATION_AT), header.getLong(at + WireFormat.SEQUENCE_AT),
        header.getInt(at + WireFormat.STEP_AT), header.getInt(at + WireFormat.SEGMENT_AT));
    ByteBuffer destination = posted.remove(slot);
    // a length that does not fit goes to a buffer of its own, for the collective's check to report
    if (destination == null || destination.remaining() != payloadBytes) return null;
    placedPayloads.incrementAndGet();
    return Unpooled.wrappedBuffer(destination).clear(); // a view: releasing it leaves the memory alone
  }

  /** Best effort, used for aborts: writes on the first open connection without waiting for the window. Takes ownership. */
  public void sendNow(Object frame) {
    for (PeerConnection connection : connections) {
      Channel ch = connection.channel();
      if (ch != null && ch.isActive()) {
        ch.writeAndFlush(frame);
        return;
      }
    }
    ReferenceCountUtil.release(frame);
  }

  /** Releases frames nobody will take (after a failure or at close). */
  public void discardInbox() {
    for (PeerConnection connection : connections) connection.discardInbox();
  }

  public void close() {
    for (PeerConnection connection : connections) connection.close();
  }

  /** Waits up to {@code millis} for each connection to finish closing. */
  public void awaitClosed(long millis) {
    for (PeerConnection connection : connections) connection.awaitClosed(millis);
  }
}
