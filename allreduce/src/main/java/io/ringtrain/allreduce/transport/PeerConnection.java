package io.ringtrain.allreduce.transport;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One authenticated TCP connection to a peer rank, seen from the collective thread: an inbox of
 * frames received in order, and a bounded window of frames being written. A {@link PeerLink}
 * holds one or more of them.
 *
 * <p>Memory stays bounded in both directions. Inbound, when {@link PeerLink#INBOX_HIGH_WATER}
 * frames wait unread the channel stops reading (TCP then pushes back on the sender) and reading
 * resumes at {@link PeerLink#INBOX_LOW_WATER}. Outbound, at most {@code sendWindow} frames are in
 * Netty's hands at once; the next send waits until one has been written to the socket.
 *
 * <p>Ownership: frames in the inbox belong to the connection until {@link #take} hands one out;
 * the taker releases it. {@link #discardInbox} releases whatever is left.
 */
final class PeerConnection {
  /** The peer, for messages ({@code rank 2 (10.0.0.3:40123)}). */
  private final String peer;
  private final int windowSize;
  private final Semaphore sendWindow;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<Object> inbox = new ArrayDeque<>();
  private volatile Channel channel;
  private volatile Throwable sendFailure;
  /** Frames handed to Netty and not yet written, and since when there have been any (see {@link #sendStallNanos}). */
  private int unwritten;
  private long unwrittenSinceNanos;
  private long sendStallNanos;

  PeerConnection(String peer, int sendWindow) {
    this.peer = peer;
    this.windowSize = sendWindow;
    this.sendWindow = new Semaphore(sendWindow);
  }

  /** See {@link PeerLink#awaitWritten}. */
  boolean awaitWritten(long deadlineNanos, Supplier<RuntimeException> failure) throws InterruptedException {
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

  Channel channel() {
    return channel;
  }

  boolean isAttached() {
    return channel != null;
  }

  /** Binds the authenticated channel; false when this connection already has one (a duplicate). */
  synchronized boolean attach(Channel authenticated) {
    if (channel != null) return false;
    channel = authenticated;
    return true;
  }

  /** See {@link PeerLink#deliver}. */
  void deliver(Object frame) {
    lock.lock();
    try {
      inbox.add(frame);
      Channel ch = channel;
      if (ch != null && inbox.size() >= PeerLink.INBOX_HIGH_WATER) ch.config().setAutoRead(false);
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PeerLink#take(int, long, Supplier)}. */
  Object take(long deadlineNanos, Supplier<RuntimeException> failure) throws TimeoutException {
    lock.lock();
    try {
      while (true) {
        RuntimeException failed = failure.get();
        if (failed != null) throw failed;
        Object head = inbox.peek();
        if (head == PeerLink.CLOSED) return PeerLink.CLOSED;
        if (head != null) {
          inbox.poll();
          if (inbox.size() <= PeerLink.INBOX_LOW_WATER) resumeReading();
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
      throw new IllegalStateException("interrupted while waiting for " + peer, e);
    } finally {
      lock.unlock();
    }
  }

  private void resumeReading() {
    Channel ch = channel;
    if (ch != null && !ch.config().isAutoRead()) ch.config().setAutoRead(true);
  }

  void wake() {
    lock.lock();
    try {
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PeerLink#send}. */
  void send(Object frame, long deadlineNanos, Supplier<RuntimeException> failure) throws TimeoutException {
    boolean handedOver = false;
    try {
      if (!acquireWindow(1, deadlineNanos, failure)) throw new TimeoutException();
      Throwable lastFailure = sendFailure;
      Channel ch = channel;
      if (lastFailure != null || ch == null || !ch.isActive()) {
        sendWindow.release();
        throw new IllegalStateException(
            "cannot send to " + peer + ": the connection is closed"
                + (lastFailure == null ? "" : " (" + lastFailure + ")"));
      }
      handedOver = true;
      handedToNetty();
      ch.writeAndFlush(frame)
          .addListener(
              written -> {
                if (!written.isSuccess()) sendFailure = written.cause();
                writtenByNetty();
                sendWindow.release();
              });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending to " + peer, e);
    } finally {
      if (!handedOver) ReferenceCountUtil.release(frame);
    }
  }

  private synchronized void handedToNetty() {
    if (unwritten++ == 0) unwrittenSinceNanos = System.nanoTime();
  }

  private synchronized void writtenByNetty() {
    if (--unwritten == 0) sendStallNanos += System.nanoTime() - unwrittenSinceNanos;
  }

  /**
   * Total time this connection has held frames handed to Netty but not yet written to the socket,
   * the time running now included: the socket took no more (it held {@link Transport#UNSENT_BYTES}
   * that TCP had not sent, or its buffer was full), so the link, or the peer reading from it, took
   * bytes slower than this rank produced them. Over a fast link this stays near zero; behind a
   * slow link it approaches the time the link needs for the bytes beyond that limit. In
   * nanoseconds since the connection was made.
   */
  synchronized long sendStallNanos() {
    return sendStallNanos + (unwritten > 0 ? System.nanoTime() - unwrittenSinceNanos : 0);
  }

  void discardInbox() {
    lock.lock();
    try {
      for (Object frame : inbox) {
        if (frame != PeerLink.CLOSED) ReferenceCountUtil.release(frame);
      }
      inbox.removeIf(frame -> frame != PeerLink.CLOSED);
    } finally {
      lock.unlock();
    }
  }

  void close() {
    Channel ch = channel;
    if (ch != null) ch.close();
  }

  /** Waits up to {@code millis} for the channel, if any, to finish closing. */
  void awaitClosed(long millis) {
    Channel ch = channel;
    if (ch != null) ch.closeFuture().awaitUninterruptibly(millis);
  }
}
