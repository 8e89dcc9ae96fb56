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

  private static void reduceScatterThenAllGather(CollectiveRun run, ElementBuffer buffer, ReduceOp op, int segmentElements) {
    int world = run.worldSize();
    int rank = run.rank();
    int next = (rank + 1) % world;
    int prev = (rank - 1 + world) % world;
    for (int s = 0; s < world - 1; s++) {
      run.enterStep("reduce-scatter", s);
      exchange(run, buffer, op, true, s, next, chunk(rank - s, world), prev, chunk(rank - s - 1, world), segmentElements, null, null);
    }
    int owned = chunk(rank + 1, world);
    int ownedStart = chunkStart(owned, buffer.length(), world), ownedLength = chunkLength(owned, buffer.length(), world);
    if (op == ReduceOp.AVG) buffer.divide(ownedStart, ownedLength, world);
    buffer.roundToWire(ownedStart, ownedLength); // peers get the wire's copy of the owned chunk

    // A buffer that is not sent as views forwards the all-gather's received payloads as they came
    // instead of copying them out of the buffer again (W ≥ 3), holding at most one small chunk of
    // frames: with 16 MiB chunks held the 64 MiB all-reduce got slower (docs/collectives.md).
    long chunkBytes = ((long) buffer.length() + world - 1) / world * buffer.type().width();
    boolean forward = !buffer.viewsAlias() && chunkBytes <= FORWARD_MAX_BYTES;
    ByteBuf[] forwarding = null;
    ByteBuf[] kept = null;
    try {
      for (int s = 0; s < world - 1; s++) {
        run.enterStep("all-gather", s);
        kept = forward && s < world - 2 ? new ByteBuf[segments(chunkLength(chunk(rank - s, world), buffer.length(), world), segmentElements)] : null;
        exchange(run, buffer, op, false, world - 1 + s, next, chunk(rank + 1 - s, world), prev, chunk(rank - s, world), segmentElements, forwarding, kept);
        forwarding = kept;
        kept = null;
      }
    } finally { // after a failure: what was kept and not sent
      releaseAll(forwarding);
      releaseAll(kept);
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
   * Sends chunk {@code sendChunk} to {@code next} while receiving {@code recvChunk} from {@code
   * prev}. Segment i goes out as {@code forwarding[i]} when given (ownership passes on), and the
   * payload received as segment i is kept in {@code kept[i]} when that is given.
   */
  private static void exchange(
      CollectiveRun run, ElementBuffer buffer, ReduceOp op, boolean combine, int step,
      int next, int sendChunk, int prev, int recvChunk, int segmentElements, ByteBuf[] forwarding, ByteBuf[] kept) {
    int n = buffer.length();
    int world = run.worldSize();
    int sendStart = chunkStart(sendChunk, n, world);
    int sendLength = chunkLength(sendChunk, n, world);
    int recvStart = chunkStart(recvChunk, n, world);
    int recvLength = chunkLength(recvChunk, n, world);
    int sendSegments = segments(sendLength, segmentElements);
    int recvSegments = segments(recvLength, segmentElements);
    int width = buffer.type().width();
    int sent = 0;
    while (sent < Math.min(AHEAD, sendSegments)) {
      sendSegment(run, buffer, step, next, sendStart, sendLength, segmentElements, sent++, forwarding);
    }
    for (int i = 0; i < recvSegments; i++) {
      int from = recvStart + i * segmentElements;
      int count = Math.min(segmentElements, recvLength - i * segmentElements);
      DataFrame frame = run.receive(prev, step, i, (long) count * width);
      try {
        if (combine) buffer.reduceFrom(frame.payload(), from, count, op);
        else if (!frame.placed()) buffer.copyFrom(frame.payload(), from, count);
        if (kept != null) kept[i] = frame.payload().retain();
      } finally {
        frame.release();
      }
      if (sent < sendSegments) sendSegment(run, buffer, step, next, sendStart, sendLength, segmentElements, sent++, forwarding);
    }
    while (sent < sendSegments) sendSegment(run, buffer, step, next, sendStart, sendLength, segmentElements, sent++, forwarding);
  }

  private static void sendSegment(
      CollectiveRun run, ElementBuffer buffer, int step, int next, int chunkStart, int chunkLength, int segmentElements, int segment,
      ByteBuf[] forwarding) {
    if (forwarding != null) {
      ByteBuf payload = forwarding[segment];
      forwarding[segment] = null; // the send owns it now
      run.send(next, step, segment, payload);
      return;
    }
    int offset = segment * segmentElements;
    int count = Math.min(segmentElements, chunkLength - offset);
    run.send(next, step, segment, buffer.view(run, chunkStart + offset, count));
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
