package io.ringtrain.allreduce.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.ringtrain.allreduce.CollectiveFailure;
import io.ringtrain.allreduce.ReduceOp;
import org.junit.jupiter.api.Test;

/** The data-frame handlers alone, on embedded channels. */
class DataFrameCodecTest {
  private static final int GENERATION = 3;
  private static final int SEGMENT_BYTES = 1024;

  private static CollectiveHeader header(int generation) {
    return new CollectiveHeader(generation, 17, CollectiveKind.ALL_REDUCE_RING, ReduceOp.SUM, ElementType.FLOAT32, 1000, true);
  }

  /** What the sender's encoder writes, as one buffer. */
  static ByteBuf encode(Object frame) {
    EmbeddedChannel sender = new EmbeddedChannel(new DataFrameEncoder());
    assertTrue(sender.writeOutbound(frame));
    CompositeByteBuf wire = Unpooled.compositeBuffer();
    for (ByteBuf part; (part = sender.readOutbound()) != null; ) wire.addComponent(true, part);
    sender.finishAndReleaseAll();
    return wire;
  }

  private static EmbeddedChannel receiver() {
    return new EmbeddedChannel(
        new LengthFieldBasedFrameDecoder(WireFormat.maxFrameBytes(SEGMENT_BYTES), 0, 4, 0, 4, true), new DataFrameDecoder(GENERATION));
  }

  @Test
  void aDataFrameSurvivesTheRoundTripWithHeaderPositionAndPayload() {
    ByteBuf payload = Unpooled.directBuffer(8).writeFloatLE(1.5f).writeFloatLE(-2f);
    EmbeddedChannel receiver = receiver();
    receiver.writeInbound(encode(new DataFrame(header(GENERATION), 4, 2, payload)));
    DataFrame received = receiver.readInbound();
    try {
      assertEquals("allReduce #17 (SUM, float32, 1000 elements, ring, generation 3)", received.header().toString());
      assertTrue(header(GENERATION).matches(received.header()));
      assertEquals(4, received.step());
      assertEquals(2, received.segment());
      assertEquals(1.5f, received.payload().readFloatLE());
      assertEquals(-2f, received.payload().readFloatLE());
    } finally {
      received.release();
    }
    assertEquals(0, payload.refCnt(), "the socket side released the sender's payload");
    assertFalse(receiver.finish());
  }

  @Test
  void anAbortFrameCarriesItsReason() {
    EmbeddedChannel receiver = receiver();
    receiver.writeInbound(encode(new AbortFrame("rank 2: timed out")));
    AbortFrame abort = receiver.readInbound();
    assertEquals("rank 2: timed out", abort.reason());
  }

  @Test
  void anAbortFrameCarriesWhomItsSenderBlamed() {
    EmbeddedChannel receiver = receiver();
    CollectiveFailure blamed = new CollectiveFailure(2, "allReduce", 17, CollectiveFailure.Reason.TIMEOUT);
    receiver.writeInbound(encode(new AbortFrame(blamed, "rank 1: no data from rank 2")));
    AbortFrame abort = receiver.readInbound();
    assertEquals(blamed, abort.failure());
    assertEquals("rank 1: no data from rank 2", abort.reason());
  }

  @Test
  void aFrameFromAnEarlierGenerationIsRejected() {
    EmbeddedChannel receiver = receiver();
    ByteBuf wire = encode(new DataFrame(header(GENERATION - 1), 0, 0, Unpooled.EMPTY_BUFFER));
    DecoderException rejected = assertThrows(DecoderException.class, () -> receiver.writeInbound(wire));
    assertTrue(rejected.getMessage().contains("generation 2"), rejected.getMessage());
    assertNull(receiver.readInbound());
  }

  @Test
  void aFrameLongerThanASegmentIsRejectedBeforeItIsBuffered() {
    EmbeddedChannel receiver = receiver();
    ByteBuf claim = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeByte(WireFormat.DATA);
    assertThrows(TooLongFrameException.class, () -> receiver.writeInbound(claim));
  }

  @Test
  void anEmptyFrameIsRejectedAsCorruptNamingItsLength() {
    EmbeddedChannel receiver = receiver();
    DecoderException rejected = assertThrows(DecoderException.class, () -> receiver.writeInbound(Unpooled.buffer().writeInt(0)));
    assertInstanceOf(CorruptedFrameException.class, rejected, rejected.toString());
    assertTrue(rejected.getMessage().contains("empty frame"), rejected.getMessage());
  }

  @Test
  void anAbortFrameShorterThanItsHeaderIsRejectedAsCorrupt() {
    EmbeddedChannel receiver = receiver();
    ByteBuf wire = Unpooled.buffer().writeInt(3).writeByte(WireFormat.ABORT).writeShort(0);
    DecoderException rejected = assertThrows(DecoderException.class, () -> receiver.writeInbound(wire));
    assertInstanceOf(CorruptedFrameException.class, rejected, rejected.toString());
    assertTrue(rejected.getMessage().contains("abort frame of 3 bytes"), rejected.getMessage());
  }

  @Test
  void aMismatchedHeaderIsReportedByMatches() {
    CollectiveHeader mine = header(GENERATION);
    CollectiveHeader theirs = new CollectiveHeader(GENERATION, 17, CollectiveKind.ALL_REDUCE_RING, ReduceOp.MAX, ElementType.FLOAT32, 1000, true);
    assertFalse(mine.matches(theirs));
    assertFalse(mine.matches(mine.withCount(999)));
    assertInstanceOf(CollectiveHeader.class, mine.withCount(1));
  }
}
