package io.ringtrain.allreduce.ring;

import io.netty.buffer.ByteBuf;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.transport.DataFrame;

/**
 * Bandwidth-optimal all-reduce for large buffers: ring reduce-scatter, then ring all-gather.
 *
 * <p>The buffer of n elements is cut into W chunks, chunk c = [c·n/W, (c+1)·n/W). In
 * reduce-scatter step s (0 ≤ s &lt; W−1) rank r sends chunk (r−s) mod W to rank r+1 and combines
 * chunk (r−s−1) mod W received from rank r−1; afterwards rank r holds chunk (r+1) mod W fully
 * reduced (AVG divides it by W here). In all-gather step s rank r sends chunk (r+1−s) mod W and
 * overwrites chunk (r−s) mod W with what it receives. Each rank sends 2(W−1)/W·n elements.
 *
 * <p>Every element is reduced on exactly one rank, in ring order starting at the chunk's owner,
 * and the all-gather copies those bytes: results are bitwise identical on all ranks and from run
 * to run. Chunks travel in segments of {@code segmentBytes}; a rank keeps up to {@link #AHEAD}
 * segments sent ahead of what it has received, so combining one segment overlaps receiving the
 * next ones (4 rather than 2: on a loaded machine each thread hand-off can take a millisecond).
 * An empty chunk still sends one (empty) frame, so every step has a frame to check.
 *
 * <p>Frames are {@link ElementBuffer#view}s: a buffer in native memory is sent without a copy. That
 * is safe because no element is changed while a frame holding it may still wait to be written:
 * chunk c is sent in reduce-scatter step (r − c) and overwritten in all-gather step (r − c), whose
 * data for c cannot arrive before the owner of c has received that very frame (its reduction
 * needs it); the owned chunk and the chunks forwarded in the all-gather are not changed again.
 * Only the last frames can outlive the collective, so it waits for them to be written. Any other
 * buffer is copied into each frame it sends, except in the all-gather, where a payload received
 * in one step is sent on as it came in the next (the same bytes the copy would hold).
 */
public final class RingAllReduce {
  /** Segments a rank sends before it waits for the first one of the same step. */
  static final int AHEAD = 4;
  /** Largest chunk whose received all-gather payloads are held to be forwarded (measured: see reduceScatterThenAllGather). */
  static final long FORWARD_MAX_BYTES = 4L << 20;

  private RingAllReduce() {}

  public static void run(CollectiveRun run, ElementBuffer buffer, ReduceOp op) {
    int prev = (run.rank() - 1 + run.worldSize()) % run.worldSize();
    int segmentElements = Math.max(1, run.segmentBytes() / buffer.type().width());
    boolean posted = postAllGather(run, buffer, prev, segmentElements);
    try {
      reduceScatterThenAllGather(run, buffer, op, segmentElements);
    } finally {
      if (posted) run.unpost(prev);
    }
  }

  /**
   * The 2(W−1) steps as one pipeline. Step t's receive chunk is step t + 1's send chunk, so segment
   * i of step t + 1 can go out as soon as segment i of step t has been received (and combined):
   * sends run up to {@link #AHEAD} segments ahead of receives across step boundaries too. Waiting
   * for a whole step before sending the next one let the outgoing link drain while the last
   * segments of every step arrived, which costs time on a shaped link between hosts
   * (docs/collectives.md, "One pipeline across the ring's steps"). Frames still go out, and are
   * received, in step order on every link.
   */
  private static void reduceScatterThenAllGather(CollectiveRun run, ElementBuffer buffer, ReduceOp op, int segmentElements) {
    int world = run.worldSize();
    int rank = run.rank();
    int prev = (rank - 1 + world) % world;
    int steps = 2 * (world - 1);
    int n = buffer.length();
    if (steps == 0) {
      finishOwned(buffer, op, world, 0, n);
      return;
    }
    // A buffer that is not sent as views forwards the all-gather's received payloads as they came
    // instead of copying them out of the buffer again (W ≥ 3), holding at most one small chunk of
    // frames: with 16 MiB chunks held the 64 MiB all-reduce got slower (docs/collectives.md).
    // forwarded[t][i]: the payload received as segment i of all-gather step t, sent as segment i of step t + 1.
    long chunkBytes = ((long) n + world - 1) / world * buffer.type().width();
    boolean forward = !buffer.viewsAlias() && chunkBytes <= FORWARD_MAX_BYTES;
    ByteBuf[][] forwarded = new ByteBuf[steps][];
    int width = buffer.type().width();
    Sends sends = new Sends(run, buffer, segmentElements, forwarded);
    int received = 0;
    try {
      for (int t = 0; t < steps; t++) {
        boolean reduceScatter = t < world - 1;
        run.enterStep(reduceScatter ? "reduce-scatter" : "all-gather", reduceScatter ? t : t - (world - 1));
        int recvChunk = recvChunk(t, rank, world);
        int recvStart = chunkStart(recvChunk, n, world);
        int recvLength = chunkLength(recvChunk, n, world);
        int recvSegments = segments(recvLength, segmentElements);
        if (forward && !reduceScatter && t < steps - 1) forwarded[t] = new ByteBuf[recvSegments];
        for (int i = 0; i < recvSegments; i++) {
          // Sends that may go before this receive: within AHEAD of the receives, and never ahead of
          // the segment they carry (segment j of step u is received as segment j of step u − 1).
          while (!sends.done() && sends.sent < received + AHEAD && sends.nextIsReceivedBefore(t, i)) sends.sendNext();
          int from = recvStart + i * segmentElements;
          int count = Math.min(segmentElements, recvLength - i * segmentElements);
          DataFrame frame = run.receive(prev, t, i, (long) count * width);
          try {
            if (reduceScatter) buffer.reduceFrom(frame.payload(), from, count, op);
            else if (!frame.placed()) buffer.copyFrom(frame.payload(), from, count);
            if (forwarded[t] != null) forwarded[t][i] = frame.payload().retain();
          } finally {
            frame.release();
          }
          if (t == world - 2) finishOwned(buffer, op, world, from, count); // the owned chunk, reduced
          received++;
        }
      }
      while (!sends.done()) sends.sendNext(); // the last step's, whose segments have all arrived
    } finally { // after a failure: what was kept and not sent
      for (ByteBuf[] payloads : forwarded) releaseAll(payloads);
    }
    if (buffer.viewsAlias()) run.awaitWritten(); // the last frames are views of the caller's memory
  }

  /**
   * Posts the memory of every segment the all-gather will receive, before the reduce-scatter
   * starts (its first frames may come while this rank is still reducing), so they are read
   * straight into place; false when nothing was posted (one rank, or a buffer without such memory). Safe by the argument in the
   * class comment: no frame still to be written reads a chunk the all-gather overwrites.
   */
  private static boolean postAllGather(CollectiveRun run, ElementBuffer buffer, int prev, int segmentElements) {
    int n = buffer.length();
    int world = run.worldSize();
    if (world < 2 || buffer.wireMemory(0, 0) == null) return false;
    for (int s = 0; s < world - 1; s++) {
      int recvChunk = chunk(run.rank() - s, world);
      int recvStart = chunkStart(recvChunk, n, world);
      int recvLength = chunkLength(recvChunk, n, world);
      for (int i = 0; i * segmentElements < recvLength; i++) { // an empty chunk's frame has nothing to place
        int count = Math.min(segmentElements, recvLength - i * segmentElements);
        run.post(prev, world - 1 + s, i, buffer.wireMemory(recvStart + i * segmentElements, count));
      }
    }
    return true;
  }

  /**
   * Elements of the owned chunk once fully reduced: AVG divides them by W, and they are rounded to
   * what the wire carries, so peers get the same values this rank keeps.
   */
  private static void finishOwned(ElementBuffer buffer, ReduceOp op, int world, int from, int count) {
    if (op == ReduceOp.AVG) buffer.divide(from, count, world);
    buffer.roundToWire(from, count);
  }

  /** The chunk sent in step t (0 ≤ t &lt; 2(W−1)): reduce-scatter step s sends r − s, all-gather step s sends r + 1 − s. */
  static int sendChunk(int t, int rank, int world) {
    return t < world - 1 ? chunk(rank - t, world) : chunk(rank + 1 - (t - (world - 1)), world);
  }

  /** The chunk received in step t: the one sent in step t + 1 (reduce-scatter r − s − 1, all-gather r − s). */
  static int recvChunk(int t, int rank, int world) {
    return sendChunk(t + 1, rank, world);
  }

  /** This rank's sends of one all-reduce, in the order its link to the next rank carries them: step by step, segment by segment. */
  private static final class Sends {
    private final CollectiveRun run;
    private final ElementBuffer buffer;
    private final int segmentElements;
    private final ByteBuf[][] forwarded;
    private final int steps;
    private int step; // of the next send
    private int segment;
    int sent;

    Sends(CollectiveRun run, ElementBuffer buffer, int segmentElements, ByteBuf[][] forwarded) {
      this.run = run;
      this.buffer = buffer;
      this.segmentElements = segmentElements;
      this.forwarded = forwarded;
      this.steps = forwarded.length;
    }

    boolean done() {
      return step == steps;
    }

    /**
     * Whether the next send's data is in place while segment {@code i} of step {@code t} is the
     * next receive: segment j of step u carries what arrived as segment j of step u − 1.
     */
    boolean nextIsReceivedBefore(int t, int i) {
      return step == 0 || step - 1 < t || (step - 1 == t && segment < i);
    }

    /** Sends the next segment: the payload received to be forwarded when there is one (ownership passes on), else a view of the buffer. */
    void sendNext() {
      int world = run.worldSize();
      int chunk = sendChunk(step, run.rank(), world);
      int chunkLength = chunkLength(chunk, buffer.length(), world);
      int next = (run.rank() + 1) % world;
      ByteBuf[] forwarding = step == 0 ? null : forwarded[step - 1];
      if (forwarding != null) {
        ByteBuf payload = forwarding[segment];
        forwarding[segment] = null; // the send owns it now
        run.send(next, step, segment, payload);
      } else {
        int offset = segment * segmentElements;
        run.send(next, step, segment, buffer.view(run, chunkStart(chunk, buffer.length(), world) + offset, Math.min(segmentElements, chunkLength - offset)));
      }
      sent++;
      if (++segment == segments(chunkLength, segmentElements)) {
        step++;
        segment = 0;
      }
    }
  }

  private static void releaseAll(ByteBuf[] payloads) {
    if (payloads == null) return;
    for (ByteBuf payload : payloads) if (payload != null) payload.release();
  }

  static int chunk(int index, int world) {
    return Math.floorMod(index, world);
  }

  /** First element of chunk c: floor(c·n/W), so chunk lengths differ by at most one. */
  static int chunkStart(int chunk, int n, int world) {
    return (int) ((long) chunk * n / world);
  }

  static int chunkLength(int chunk, int n, int world) {
    return chunkStart(chunk + 1, n, world) - chunkStart(chunk, n, world);
  }

  /** Frames needed for {@code length} elements: at least one, so that empty chunks are checked too. */
  static int segments(int length, int segmentElements) {
    return Math.max(1, (length + segmentElements - 1) / segmentElements);
  }
}
