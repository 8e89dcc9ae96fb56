package io.ringtrain.allreduce.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@link ServerBinding} a server's handshakes wait for until its communicator is built, and
 * the handshakes waiting for it. At most {@code capacity} wait at once (the server rejects a HELLO
 * beyond that), and a handshake whose connection closes stops waiting, so strangers cannot grow
 * this rank's memory before its ring is armed.
 *
 * <p>Thread-safe: handshakes wait and cancel on I/O threads, the communicator completes it from its own.
 */
public final class PendingBinding {
  /** Where a waiting handshake goes on: with the binding, or with the failure (binding null). */
  @FunctionalInterface
  public interface Waiter {
    void bound(ServerBinding binding, Throwable failure);
  }

  private final int capacity;
  private final Set<Waiter> waiting = new LinkedHashSet<>();
  private boolean settled;
  private ServerBinding binding;
  private Throwable failure;

  public PendingBinding(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Calls {@code waiter} once the binding is known (at once, on this thread, if it is); false,
   * without calling it, when {@code capacity} handshakes already wait.
   */
  public boolean await(Waiter waiter) {
    ServerBinding b;
    Throwable f;
    synchronized (this) {
      if (!settled) {
        if (waiting.size() >= capacity) return false;
        waiting.add(waiter);
        return true;
      }
      b = binding;
      f = failure;
    }
    waiter.bound(b, f);
    return true;
  }

  /** {@code waiter} no longer waits (its connection closed); nothing of it is kept. */
  public synchronized void cancel(Waiter waiter) {
    waiting.remove(waiter);
  }

  /** Handshakes waiting now. */
  public synchronized int waiting() {
    return waiting.size();
  }

  /** Answers every waiting handshake with {@code ringBinding}; false if already completed or failed. */
  public boolean complete(ServerBinding ringBinding) {
    return settle(ringBinding, null);
  }

  /** Fails every waiting handshake (the server is closing); false if already completed or failed. */
  public boolean fail(Throwable cause) {
    return settle(null, cause);
  }

  private boolean settle(ServerBinding b, Throwable f) {
    List<Waiter> woken;
    synchronized (this) {
      if (settled) return false;
      settled = true;
      binding = b;
      failure = f;
      woken = new ArrayList<>(waiting);
      waiting.clear();
    }
    for (Waiter waiter : woken) waiter.bound(b, f);
    return true;
  }
}
