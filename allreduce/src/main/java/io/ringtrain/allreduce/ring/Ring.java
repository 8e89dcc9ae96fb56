package io.ringtrain.allreduce.ring;

import io.ringtrain.allreduce.CollectiveException;
import io.ringtrain.allreduce.CollectiveFailure;
import io.ringtrain.allreduce.CommunicatorConfig;
import io.ringtrain.allreduce.reduce.ReduceKernel;
import io.ringtrain.allreduce.reduce.ReduceKernels;
import io.ringtrain.allreduce.transport.AbortFrame;
import io.ringtrain.allreduce.transport.PeerEvents;
import io.ringtrain.allreduce.transport.PeerLink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The state one rank shares between its collectives: a {@link PeerLink} per other rank (with
 * {@link CommunicatorConfig#connectionsPerPeer} connections each), the
 * settings, the reduce kernel, scratch arrays, and the first failure. Once failed, the ring stays
 * failed: every later collective throws at once.
 *
 * <p>On the first failure this rank sends an {@link AbortFrame} with the reason to every peer,
 * so that peers blocked on something else fail now rather than at their own timeout.
 */
public final class Ring implements PeerEvents {
  private static final System.Logger LOG = System.getLogger(Ring.class.getName());
  /** Frames a link lets Netty hold before a send waits: the ring's segments ahead plus slack. */
  static final int SEND_WINDOW = RingAllReduce.AHEAD + 2;

  private final CommunicatorConfig config;
  private final PeerLink[] links;
  private final CountDownLatch connected;
  private final ReduceKernel kernel = ReduceKernels.preferred();
  private final Scratch scratch;
  private volatile CollectiveException failure;
  private volatile boolean closing;

  public Ring(CommunicatorConfig config) {
    this.config = config;
    int world = config.worldSize();
    this.links = new PeerLink[world];
    for (int peer = 0; peer < world; peer++) {
      if (peer != config.rank()) links[peer] = new PeerLink(peer, config.peers().get(peer), SEND_WINDOW, config.connectionsPerPeer());
    }
    this.connected = new CountDownLatch((world - 1) * config.connectionsPerPeer());
    this.scratch = new Scratch(config.segmentBytes());
    ReduceKernels.warmUpInBackground();
  }

  public CommunicatorConfig config() { return config; }
  public int rank() { return config.rank(); }
  public int worldSize() { return config.worldSize(); }
  ReduceKernel kernel() { return kernel; }
  Scratch scratch() { return scratch; }

  /** Send stall summed over every peer's links (see {@link PeerLink#sendStallNanos}). */
  public long sendStallNanos() {
    long stalled = 0;
    for (PeerLink link : links) if (link != null) stalled += link.sendStallNanos();
    return stalled;
  }

  public PeerLink link(int peer) {
    return peer >= 0 && peer < links.length ? links[peer] : null;
  }

  /** Binds an authenticated channel as connection {@code connection} of its peer's link; false for a duplicate. */
  public boolean attach(int peer, int connection, io.netty.channel.Channel channel) {
    PeerLink link = link(peer);
    if (link == null || connection < 0 || connection >= link.connections() || !link.attach(connection, channel)) return false;
    connected.countDown();
    return true;
  }

  public CountDownLatch connected() { return connected; }

  /** Ranks not connected yet, for the connect error message. */
  public List<Integer> unconnectedRanks() {
    List<Integer> missing = new ArrayList<>();
    for (PeerLink link : links) if (link != null && !link.isAttached()) missing.add(link.rank());
    return missing;
  }

  public CollectiveException failure() { return failure; }

  /** Records the first failure, tells every peer, and wakes every waiting take. */
  public void fail(CollectiveException cause) {
    synchronized (this) {
      if (failure != null) return;
      failure = cause;
    }
    if (!closing) LOG.log(System.Logger.Level.WARNING, "rank " + rank() + ": " + cause.getMessage());
    for (PeerLink link : links) {
      if (link == null) continue;
      link.sendNow(new AbortFrame(cause.failure(), "rank " + rank() + ": " + cause.getMessage()));
      link.wake();
    }
  }

  @Override
  public void abortedBy(PeerLink peer, AbortFrame abort) {
    CollectiveFailure blamed = abort.failure() != null ? abort.failure()
        : new CollectiveFailure(peer.rank(), "unknown", -1, CollectiveFailure.Reason.LOCAL_ERROR);
    fail(new CollectiveException("aborted by " + peer.describe() + ": " + abort.reason(), blamed));
  }

  @Override
  public void protocolErrorFrom(PeerLink peer, String problem) {
    fail(new CollectiveException("protocol error: " + peer.describe() + " sent a frame rank " + rank() + " cannot read (" + problem + "); closing that connection",
        new CollectiveFailure(peer.rank(), "unknown", -1, CollectiveFailure.Reason.PROTOCOL_ERROR)));
  }

  /**
   * Closes every connection. No abort is sent: closing is not a failure, and an abort could
   * overtake a peer still reading this rank's last frames. Peers see the connection close after
   * those frames, and fail only if they need more from this rank.
   */
  public void close() {
    closing = true;
    synchronized (this) {
      if (failure == null) failure = new CollectiveException("the communicator of rank " + rank() + " was closed");
    }
    for (PeerLink link : links) {
      if (link != null) link.wake();
    }
    for (PeerLink link : links) {
      if (link == null) continue;
      link.close();
    }
    for (PeerLink link : links) {
      if (link == null) continue;
      link.awaitClosed(2000);
      link.discardInbox();
    }
  }
}
