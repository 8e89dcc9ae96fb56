package io.ringtrain.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link Communicator#sendStallNanos}: the time a rank's sends wait for bytes already handed to
 * the network, measured against a real slow reader on loopback.
 */
class SendStallTest {
  /** Far more than the socket buffers, the reader's inbox and the send window hold together. */
  private static final int FLOATS = 16 << 20;

  @Test
  void aRankWhosePeerStopsReadingRecordsTheStallAndThePeerDoesNot() throws Exception {
    try (LoopbackRing ring = LoopbackRing.start(2, b -> b.optSegmentBytes(1 << 20))) {
      RingCommunicator sender = ring.rank(0), reader = ring.rank(1);
      assertEquals(0, sender.sendStallNanos());
      float[] sent = new float[FLOATS], read = new float[FLOATS];
      java.util.Arrays.fill(sent, 1f);
      java.util.Arrays.fill(read, 2f);
      // Rank 0 starts at once; rank 1 takes no frame for a while, so its inbox fills, its channel
      // stops reading and TCP pushes back on rank 0's sends.
      CompletableFuture<Void> first = sender.allReduceAsync(sent, ReduceOp.SUM);
      Thread.sleep(500);
      long stalledWhileUnread = sender.sendStallNanos(); // the wait in progress is not counted yet
      reader.allReduce(read, ReduceOp.SUM);
      first.join();
      assertEquals(3f, sent[FLOATS - 1]);
      assertEquals(3f, read[0]);
      long senderStall = sender.sendStallNanos(), readerStall = reader.sendStallNanos();
      assertTrue(senderStall > stalledWhileUnread, "the sender's wait for the reader counts once it ends: " + senderStall + " ns");
      assertTrue(senderStall > readerStall, "the sender stalled " + senderStall + " ns, the reader " + readerStall + " ns");
    }
  }
}
