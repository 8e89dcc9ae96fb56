package io.ringtrain.allreduce.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The authenticated connection to one peer rank, seen from the collective thread: an inbox of
 * frames received in order, and a bounded window of frames being written.
 *
 * <p>Memory stays bounded in both directions. Inbound, when {@link #INBOX_HIGH_WATER} frames wait
 * unread the channel stops reading (TCP then pushes back on the sender) and reading resumes at
 * {@link #INBOX_LOW_WATER}. Outbound, at most {@code sendWindow} frames are in Netty's hands at
 * once; the next send waits until one has been written to the socket.
 *
 * <p>Ownership: frames in the inbox belong to the link until {@link #take} hands one out; the
 * taker releases it. {@link #discardInbox} releases whatever is left.
 */
public final class PeerLink implements PayloadPlacer {
  /** Marker left in the inbox when the connection closed; it stays there for every later take. */
  public static final Object CLOSED = new Object();

  static final int INBOX_HIGH_WATER = 12;
  static final int INBOX_LOW_WATER = 2;

  private final int rank;
  private final String address;
  private final int windowSize;
  private final Semaphore sendWindow;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<Object> inbox = new ArrayDeque<>();
  private volatile Channel channel;
  private volatile Throwable sendFailure;
  /** Memory where the payloads of expected frames go; posted by the collective thread, taken on the event loop. */
  private final ConcurrentHashMap<Slot, ByteBuffer> posted = new ConcurrentHashMap<>();
  private final AtomicLong placedPayloads = new AtomicLong();

  /** A frame of one collective: ring generation, sequence number, step, segment. */
  private record Slot(int generation, long sequence, int step, int segment) {}

  public PeerLink(int rank, String address, int sendWindow) {
    this.rank = rank;
    this.address = address;
    this.windowSize = sendWindow;
    this.sendWindow = new Semaphore(sendWindow);
  }

  /**
   * Waits until every frame handed to Netty has been written to the socket (or has failed); false
   * if some are still waiting at {@code deadlineNanos}. {@code failure} is polled every few
   * milliseconds: a non-null result is thrown at once.
   */
  public boolean awaitWritten(long deadlineNanos, Supplier<RuntimeException> failure) throws InterruptedException {
    if (!acquireWindow(windowSize, deadlineNanos, failure)) return false;
    sendWindow.release(windowSize);
    return true;
  }

  /** Takes {@code permits} of the send window, polling {@code failure} every few ms; false at the deadline. */
  private boolean acquireWindow(int permits, long deadlineNanos, Supplier<RuntimeException> failure) throws InterruptedException {
    while (!sendWindow.tryAcquire(permits, 5, TimeUnit.MILLISECONDS)) {
      RuntimeException failed = failure.get();
      if (failed != null) throw failed;
      if (System.nanoTime() - deadlineNanos > 0) return false;
    }
    return true;
  }

  public int rank() {
    return rank;
  }

  /** {@code rank 2 (10.0.0.3:40123)}, for messages. */
  public String describe() {
    return "rank " + rank + " (" + address + ")";
  }

  public Channel channel() {
    return channel;
  }

  public boolean isAttached() {
    return channel != null;
  }

  /** Binds the authenticated channel; false when this peer already has one (a duplicate). */
  public synchronized boolean attach(Channel authenticated) {
    if (channel != null) return false;
    channel = authenticated;
    return true;
  }

  /** Called on the channel's event loop for every frame received, and with {@link #CLOSED}. */
  public void deliver(Object frame) {
    lock.lock();
    try {
      inbox.add(frame);
      Channel ch = channel;
      if (ch != null && inbox.size() >= INBOX_HIGH_WATER) ch.config().setAutoRead(false);
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the next frame (the caller releases it) or {@link #CLOSED}; waits until {@code
   * deadlineNanos} ({@link System#nanoTime()} scale). {@code failure} is polled whenever the link
   * is woken: a non-null result is thrown at once.
   */
  public Object take(long deadlineNanos, Supplier<RuntimeException> failure) throws TimeoutException {
    lock.lock();
    try {
      while (true) {
        RuntimeException failed = failure.get();
        if (failed != null) throw failed;
        Object head = inbox.peek();
        if (head == CLOSED) return CLOSED;
        if (head != null) {
          inbox.poll();
          if (inbox.size() <= INBOX_LOW_WATER) resumeReading();
          return head;
        }
        // Nothing queued: make sure the channel reads (it may have paused on a full inbox).
        resumeReading();
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) throw new TimeoutException();
        arrived.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + describe(), e);
    } finally {
      lock.unlock();
    }
  }

  private void resumeReading() {
    Channel ch = channel;
    if (ch != null && !ch.config().isAutoRead()) ch.config().setAutoRead(true);
  }

  /** Wakes a {@link #take} in progress so that it re-checks the failure supplier. */
  public void wake() {
    lock.lock();
    try {
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Hands {@code frame} (a {@link DataFrame} or {@link AbortFrame}) to Netty once the send window
   * has room; ownership of the frame passes to the channel. Waits at most until {@code
   * deadlineNanos}, polling {@code failure} every few milliseconds.
   */
  public void send(Object frame, long deadlineNanos, Supplier<RuntimeException> failure) throws TimeoutException {
    boolean handedOver = false;
    try {
      if (!acquireWindow(1, deadlineNanos, failure)) throw new TimeoutException();
      Throwable lastFailure = sendFailure;
      Channel ch = channel;
      if (lastFailure != null || ch == null || !ch.isActive()) {
        sendWindow.release();
        throw new IllegalStateException(
            "cannot send to " + describe() + ": the connection is closed"
                + (lastFailure == null ? "" : " (" + lastFailure + ")"));
      }
      handedOver = true;
      ch.writeAndFlush(frame)
          .addListener(
              written -> {
                if (!written.isSuccess()) sendFailure = written.cause();
                sendWindow.release();
              });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending to " + describe(), e);
    } finally {
      if (!handedOver) ReferenceCountUtil.release(frame);
    }
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

  /** Best effort, used for aborts: writes without waiting for the window. Takes ownership. */
  public void sendNow(Object frame) {
    Channel ch = channel;
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(frame);
    } else {
      ReferenceCountUtil.release(frame);
    }
  }

  /** Releases frames nobody will take (after a failure or at close). */
  public void discardInbox() {
    lock.lock();
    try {
      for (Object frame : inbox) {
        if (frame != CLOSED) ReferenceCountUtil.release(frame);
      }
      inbox.removeIf(frame -> frame != CLOSED);
    } finally {
      lock.unlock();
    }
  }

  public void close() {
    Channel ch = channel;
    if (ch != null) ch.close();
  }
}
