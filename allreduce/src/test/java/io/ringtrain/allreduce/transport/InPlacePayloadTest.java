package io.ringtrain.allreduce.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringtrain.allreduce.ReduceOp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Payloads read straight into posted memory: the frame splitter asks the link, once a data
 * frame's header is in, where its payload goes. Reads here are cut so that no frame arrives in
 * one piece (a whole frame in one read is passed on as a slice of it, never split).
 */
class InPlacePayloadTest {
  private static final int GENERATION = 3;
  private static final CollectiveHeader COLLECTIVE =
      new CollectiveHeader(GENERATION, 17, CollectiveKind.ALL_REDUCE_RING, ReduceOp.SUM, ElementType.FLOAT32, 1000, true);

  @Test
  void aPostedPayloadLandsInThePostedMemoryAndOthersInTheirOwnBuffers() {
    PeerLink link = new PeerLink(1, "127.0.0.1:1", 4);
    ByteBuffer memory = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
    link.post(COLLECTIVE, 5, 1, memory.slice(16, 8)); // floats 4 and 5
    EmbeddedChannel receiver = receiver(link);
    feedInPieces(receiver, DataFrameCodecTest.encode(new DataFrame(COLLECTIVE, 5, 0, floats(7f, 8f)))); // not posted
    feedInPieces(receiver, DataFrameCodecTest.encode(new DataFrame(COLLECTIVE, 5, 1, floats(1.5f, -2f)))); // posted
    DataFrame notPosted = receiver.readInbound();
    DataFrame posted = receiver.readInbound();
    try {
      assertFalse(notPosted.placed());
      assertEquals(7f, notPosted.payload().getFloatLE(0));
      assertEquals(0f, memory.getFloat(0), "nothing outside the posted memory is written");
      assertTrue(posted.placed());
      assertEquals(5, posted.step());
      assertEquals(1, posted.segment());
      assertEquals(8, posted.payload().readableBytes());
      assertEquals(1.5f, memory.getFloat(16));
      assertEquals(-2f, memory.getFloat(20));
      assertEquals(0f, memory.getFloat(24));
      assertEquals(1, link.placedPayloads());
    } finally {
      notPosted.release();
      posted.release();
    }
    assertFalse(receiver.finish());
  }

  @Test
  void anotherGenerationSequenceOrLengthIsNotPlaced() {
    PeerLink link = new PeerLink(1, "127.0.0.1:1", 4);
    ByteBuffer memory = ByteBuffer.allocateDirect(16).order(ByteOrder.LITTLE_ENDIAN);
    link.post(COLLECTIVE, 0, 0, memory.slice(0, 12)); // 3 floats, but 2 arrive
    EmbeddedChannel receiver = receiver(link);
    feedInPieces(receiver, DataFrameCodecTest.encode(new DataFrame(COLLECTIVE, 0, 0, floats(1f, 2f))));
    DataFrame wrongLength = receiver.readInbound();
    assertFalse(wrongLength.placed(), "a length that does not fit is left for the collective's check");
    wrongLength.release();
    CollectiveHeader next = new CollectiveHeader(GENERATION, 18, CollectiveKind.ALL_REDUCE_RING, ReduceOp.SUM, ElementType.FLOAT32, 1000, true);
    link.post(COLLECTIVE, 0, 1, memory.slice(0, 8));
    feedInPieces(receiver, DataFrameCodecTest.encode(new DataFrame(next, 0, 1, floats(1f, 2f))));
    DataFrame otherSequence = receiver.readInbound();
    assertFalse(otherSequence.placed());
    otherSequence.release();
    assertEquals(0f, memory.getFloat(0));
    link.unpost(COLLECTIVE);
    link.post(next, 0, 1, memory.slice(0, 8));
    link.unpost(next);
    feedInPieces(receiver, DataFrameCodecTest.encode(new DataFrame(next, 0, 1, floats(1f, 2f))));
    DataFrame unposted = receiver.readInbound();
    assertFalse(unposted.placed(), "withdrawn memory is not written");
    unposted.release();
    assertEquals(0f, memory.getFloat(0));
    assertEquals(0, link.placedPayloads());
    assertFalse(receiver.finish());
  }

  @Test
  void anAbortLongerThanADataHeaderStillArrives() {
    EmbeddedChannel receiver = receiver(new PeerLink(1, "127.0.0.1:1", 4));
    String reason = "rank 2: timed out waiting for rank 3 during all-gather step 1";
    feedInPieces(receiver, DataFrameCodecTest.encode(new AbortFrame(reason)));
    AbortFrame abort = receiver.readInbound();
    assertEquals(reason, abort.reason());
    assertNull(receiver.readInbound());
    assertFalse(receiver.finish());
  }

  private static EmbeddedChannel receiver(PeerLink placer) {
    return new EmbeddedChannel(new SizedFrameDecoder(1 << 20, placer), new DataFrameDecoder(GENERATION));
  }

  /** The frame's bytes in reads of 3, 30 and then the rest, as a socket may deliver them. */
  private static void feedInPieces(EmbeddedChannel receiver, ByteBuf wire) {
    int[] cuts = {3, 30};
    for (int cut : cuts) receiver.writeInbound(wire.readRetainedSlice(Math.min(cut, wire.readableBytes())));
    if (wire.isReadable()) receiver.writeInbound(wire.readRetainedSlice(wire.readableBytes()));
    wire.release();
  }

  private static ByteBuf floats(float... values) {
    ByteBuf payload = Unpooled.directBuffer(values.length * Float.BYTES);
    for (float v : values) payload.writeFloatLE(v);
    return payload;
  }
}
