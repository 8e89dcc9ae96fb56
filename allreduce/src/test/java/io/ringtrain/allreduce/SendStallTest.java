package io.ringtrain.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link Communicator#sendStallNanos}: the time a rank's connections hold bytes handed to the
 * network but not yet written, measured against a real slow reader on loopback.
 */
class SendStallTest {
  /** Segments of 8 MiB: the four the ring sends ahead are more than both sockets' buffers hold. */
  private static final int SEGMENT_BYTES = 8 << 20;
  private static final int FLOATS = 16 << 20;
  private static final long STALL_NANOS = 300_000_000L;

  @Test
  void aRankWhosePeerStopsReadingRecordsTheStallAndThePeerDoesNot() throws Exception {
    try (LoopbackRing ring = LoopbackRing.start(2, b -> b.optSegmentBytes(SEGMENT_BYTES))) {
      RingCommunicator sender = ring.rank(0), reader = ring.rank(1);
      assertEquals(0, sender.sendStallNanos());
      float[] sent = new float[FLOATS], read = new float[FLOATS];
      Arrays.fill(sent, 1f);
      Arrays.fill(read, 2f);
      // Rank 1 stops reading its socket from rank 0 (as a peer behind a slow link takes bytes
      // slowly); its collective turns reading back on when it starts.
      reader.channelTo(0, 0).config().setAutoRead(false);
      CompletableFuture<Void> first = sender.allReduceAsync(sent, ReduceOp.SUM);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (sender.sendStallNanos() < STALL_NANOS && System.nanoTime() < deadline) Thread.sleep(10);
      assertTrue(sender.sendStallNanos() >= STALL_NANOS, "the sender's unwritten frames count while they wait: " + sender.sendStallNanos() + " ns");
      assertEquals(0, reader.sendStallNanos(), "a rank that has sent nothing has not stalled");

      reader.allReduce(read, ReduceOp.SUM);
      first.join();
      assertEquals(3f, sent[FLOATS - 1]);
      assertEquals(3f, read[0]);
      long senderStall = sender.sendStallNanos(), readerStall = reader.sendStallNanos();
      assertTrue(senderStall > readerStall, "the sender stalled " + senderStall + " ns, the reader, whose peer read at once, " + readerStall + " ns");
    }
  }
}
