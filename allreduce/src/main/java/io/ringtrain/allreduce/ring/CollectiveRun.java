package io.ringtrain.allreduce.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringtrain.allreduce.CollectiveException;
import io.ringtrain.allreduce.CollectiveFailure;
import io.ringtrain.allreduce.CollectiveFailure.Reason;
import io.ringtrain.allreduce.StepListener;
import io.ringtrain.allreduce.transport.CollectiveHeader;
import io.ringtrain.allreduce.transport.DataFrame;
import io.ringtrain.allreduce.transport.PeerLink;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;

/**
 * One collective in progress on one rank: what the algorithms use to send and receive frames.
 * Every wait is bounded by the ring's timeout, and every frame received is checked against this
 * collective's header before its data is used. Any failure is recorded on the {@link Ring} (which
 * aborts the peers) and thrown as a {@link CollectiveException} naming the collective, its
 * sequence number and the peer, in its message and as a {@link CollectiveFailure}.
 */
public final class CollectiveRun {
  private final Ring ring;
  private final CollectiveHeader header;
  private final long timeoutNanos;
  private String phase = "start";
  private int phaseStep;

  public CollectiveRun(Ring ring, CollectiveHeader header) {
    this.ring = ring;
    this.header = header;
    this.timeoutNanos = ring.config().timeout().toNanos();
  }

  public CollectiveHeader header() { return header; }
  public int rank() { return ring.rank(); }
  public int worldSize() { return ring.worldSize(); }
  int segmentBytes() { return ring.config().segmentBytes(); }
  Ring ring() { return ring; }

  /** A direct buffer for one payload; ownership passes on with {@link #send}. */
  ByteBuf allocate(int bytes) {
    return ByteBufAllocator.DEFAULT.directBuffer(bytes, bytes);
  }

  void enterStep(String phaseName, int step) {
    this.phase = phaseName;
    this.phaseStep = step;
    StepListener listener = ring.config().stepListener();
    if (listener != null) listener.stepStarted(header.kind().operation(), header.sequence(), phaseName, step);
  }

  /** Sends one frame to {@code peer}; takes ownership of {@code payload} (released on failure too). */
  void send(int peer, int step, int segment, ByteBuf payload) {
    send(peer, step, segment, header, payload);
  }

  void send(int peer, int step, int segment, CollectiveHeader frameHeader, ByteBuf payload) {
    PeerLink link = ring.link(peer);
    DataFrame frame = new DataFrame(frameHeader, step, segment, payload);
    try {
      link.send(frame, System.nanoTime() + timeoutNanos, this::failureIfAny);
    } catch (TimeoutException e) {
      throw fail(peer, Reason.TIMEOUT,
          "could not send to " + link.describe() + " for " + millis() + " ms (" + where(step, segment)
              + "): the peer is stalled (not reading) or its network is down");
    } catch (CollectiveException e) {
      throw e;
    } catch (RuntimeException e) {
      throw fail(peer, Reason.CONNECTION_CLOSED, e.getMessage() + " (" + where(step, segment) + ")");
    }
  }

  /**
   * The next frame from {@code peer}, which must be this collective's {@code step} and {@code
   * segment} with {@code expectedBytes} of payload (-1: any). The caller releases it.
   */
  DataFrame receive(int peer, int step, int segment, long expectedBytes) {
    PeerLink link = ring.link(peer);
    Object received;
    try {
      received = link.take(segment, System.nanoTime() + timeoutNanos, this::failureIfAny);
    } catch (TimeoutException e) {
      throw fail(peer, Reason.TIMEOUT,
          "no data from " + link.describe() + " for " + millis() + " ms (" + where(step, segment)
              + "): the peer is dead or stalled");
    }
    if (received == PeerLink.CLOSED) {
      throw fail(peer, Reason.CONNECTION_CLOSED, link.describe() + " closed the connection (" + where(step, segment) + "): it died or closed its communicator early");
    }
    DataFrame frame = (DataFrame) received;
    String problem = null;
    if (!header.matches(frame.header())) {
      problem =
          header + " on rank " + rank() + " does not match " + frame.header() + " sent by " + link.describe()
              + ": every rank must issue the same collectives, in the same order, with the same op, type and length";
    } else if (frame.step() != step || frame.segment() != segment) {
      problem =
          "protocol error: " + link.describe() + " sent step " + frame.step() + " segment " + frame.segment()
              + " where rank " + rank() + " expected " + where(step, segment);
    } else if (expectedBytes >= 0 && frame.payload().readableBytes() != expectedBytes) {
      problem =
          "protocol error: " + link.describe() + " sent " + frame.payload().readableBytes() + " payload bytes where "
              + expectedBytes + " were expected (" + where(step, segment) + ")";
    }
    if (problem != null) {
      frame.release();
      throw fail(peer, Reason.PROTOCOL_ERROR, problem);
    }
    return frame;
  }

  /**
   * Fails the collective because {@code peer} sent {@code what}, which this rank cannot use (a
   * length that does not fit the frames): the message names the peer, as {@link #receive}'s do.
   */
  CollectiveException protocolError(int peer, String what) {
    return fail(peer, Reason.PROTOCOL_ERROR, "protocol error: " + ring.link(peer).describe() + " sent " + what + " (" + phase + " step " + phaseStep + ")");
  }

  /**
   * Asks for the payload of frame ({@code step}, {@code segment}) from {@code peer} to be received
   * straight into {@code destination} (see {@link PeerLink#post}); {@link #receive} then returns
   * that frame {@link DataFrame#placed()}, unless it came another way.
   */
  void post(int peer, int step, int segment, ByteBuffer destination) {
    ring.link(peer).post(header, step, segment, destination);
  }

  /** Withdraws what this collective posted on the link to {@code peer} and did not receive. */
  void unpost(int peer) {
    ring.link(peer).unpost(header);
  }

  /** Waits until every frame this rank has sent has been written to its socket. */
  void awaitWritten() {
    long deadline = System.nanoTime() + timeoutNanos;
    for (int peer = 0; peer < worldSize(); peer++) {
      PeerLink link = ring.link(peer);
      if (link == null) continue;
      try {
        if (!link.awaitWritten(deadline, this::failureIfAny)) {
          throw fail(peer, Reason.TIMEOUT, "frames to " + link.describe() + " were not written within " + millis() + " ms: the peer is stalled (not reading)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw fail(rank(), Reason.LOCAL_ERROR, "interrupted while waiting for frames to " + link.describe() + " to be written");
      }
    }
  }

  private String where(int step, int segment) {
    return phase + " step " + phaseStep + ", frame step " + step + " segment " + segment;
  }

  private long millis() {
    return timeoutNanos / 1_000_000;
  }

  private CollectiveException fail(int culprit, Reason reason, String problem) {
    String message = problem.startsWith(header.toString()) ? problem : header + " on rank " + rank() + ": " + problem;
    CollectiveException failure = new CollectiveException(message, failureOf(culprit, reason));
    ring.fail(failure);
    return failure;
  }

  /** The ring's failure, restated for this collective, or null while the ring is healthy. */
  public CollectiveException failureIfAny() {
    CollectiveException failed = ring.failure();
    if (failed == null) return null;
    return new CollectiveException(header + " on rank " + rank() + " failed: " + failed.getMessage(), failed);
  }

  /** This collective's failure, blaming {@code culprit}. */
  public CollectiveFailure failureOf(int culprit, Reason reason) {
    return new CollectiveFailure(culprit, header.kind().operation(), header.sequence(), reason);
  }
}
