package io.ringtrain.allreduce.ring;

import io.ringtrain.allreduce.transport.CollectiveHeader;
import io.ringtrain.allreduce.transport.DataFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * All-gather of byte blocks whose lengths differ per rank, around the ring: in step s (0 ≤ s &lt;
 * W−1) rank r forwards block (r−s) mod W to rank r+1 and receives block (r−s−1) mod W from rank
 * r−1. A block's frames carry its length as the element count (the receiver learns it from the
 * first frame); blocks longer than a segment are split, sends interleaved with receives as in
 * {@link RingAllReduce}. A received block's array grows with the bytes that arrive, never ahead of
 * them to the length announced, so a peer's count alone cannot make this rank allocate memory.
 */
public final class RingAllGather {
  private RingAllGather() {}

  public static List<byte[]> run(CollectiveRun run, byte[] mine) {
    int world = run.worldSize();
    int rank = run.rank();
    int next = (rank + 1) % world;
    int prev = (rank - 1 + world) % world;
    int segmentBytes = run.segmentBytes();
    byte[][] blocks = new byte[world][];
    blocks[rank] = mine;
    for (int s = 0; s < world - 1; s++) {
      run.enterStep("all-gather", s);
      byte[] outgoing = blocks[Math.floorMod(rank - s, world)];
      CollectiveHeader outgoingHeader = run.header().withCount(outgoing.length);
      int sendSegments = RingAllReduce.segments(outgoing.length, segmentBytes);
      int sent = 0;
      while (sent < Math.min(RingAllReduce.AHEAD, sendSegments)) send(run, next, s, outgoingHeader, outgoing, sent++);
      byte[] incoming = null;
      int incomingLength = -1; // announced by the block's first frame
      int recvSegments = 1;
      for (int i = 0; i < recvSegments; i++) {
        long expected = incoming == null ? -1 : Math.min(segmentBytes, incomingLength - (long) i * segmentBytes);
        DataFrame frame = run.receive(prev, s, i, expected);
        try {
          if (incoming == null) {
            long length = frame.header().count();
            if (length < 0 || length > Integer.MAX_VALUE - 8 || frame.payload().readableBytes() != Math.min(segmentBytes, length)) {
              throw run.protocolError(prev, "an allGather block of " + length + " bytes whose first frame carries " + frame.payload().readableBytes());
            }
            incomingLength = (int) length;
            incoming = new byte[0];
            recvSegments = RingAllReduce.segments(incomingLength, segmentBytes);
          }
          incoming = TreeBroadcast.room(incoming, i * segmentBytes + frame.payload().readableBytes(), incomingLength);
          frame.payload().getBytes(frame.payload().readerIndex(), incoming, i * segmentBytes, frame.payload().readableBytes());
        } finally {
          frame.release();
        }
        if (sent < sendSegments) send(run, next, s, outgoingHeader, outgoing, sent++);
      }
      while (sent < sendSegments) send(run, next, s, outgoingHeader, outgoing, sent++);
      blocks[Math.floorMod(rank - s - 1, world)] = incoming;
    }
    return new ArrayList<>(Arrays.asList(blocks));
  }

  private static void send(CollectiveRun run, int next, int step, CollectiveHeader header, byte[] block, int segment) {
    int from = segment * run.segmentBytes();
    int count = Math.min(run.segmentBytes(), block.length - from);
    // Copied now: the caller may reuse its array once the collective returns, before Netty writes.
    run.send(next, step, segment, header, run.allocate(count).writeBytes(block, from, count));
  }
}
