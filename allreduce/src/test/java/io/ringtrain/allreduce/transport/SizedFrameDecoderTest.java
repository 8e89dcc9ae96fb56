package io.ringtrain.allreduce.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The post-handshake frame splitter, on an embedded channel with reads cut at every kind of boundary. */
class SizedFrameDecoderTest {
  /**
   * What FrameReadAllocator does on a socket: read the length field alone, then read into the
   * buffer the decoder offers, here in two reads. The frame passed on is that very buffer.
   */
  @Test
  void aFrameReadIntoItsOwnBufferIsPassedOnWithoutACopy() {
    SizedFrameDecoder decoder = new SizedFrameDecoder(1 << 20);
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    assertEquals(4, decoder.lengthBytesMissing());
    channel.writeInbound(Unpooled.buffer(2).writeShort(0));
    assertEquals(2, decoder.lengthBytesMissing());
    channel.writeInbound(Unpooled.buffer(2).writeShort(12));
    ByteBuf target = decoder.frameToFill();
    assertEquals(12, target.writableBytes());
    channel.writeInbound(target.retain().writeLong(42L)); // a first read of 8 bytes
    assertNull(channel.readInbound());
    assertSame(target, decoder.frameToFill());
    channel.writeInbound(target.retain().writeInt(7)); // the last 4
    ByteBuf frame = channel.readInbound();
    assertSame(target, frame);
    assertEquals(42L, frame.readLong());
    assertEquals(7, frame.readInt());
    assertEquals(1, frame.refCnt(), "the reads' references are released; the receiver holds the only one");
    frame.release();
    assertNull(decoder.frameToFill());
    assertEquals(4, decoder.lengthBytesMissing());
    assertFalse(channel.finish());
  }

  @Test
  void framesCutAtArbitraryPointsComeOutWholeAndInOrder() throws Exception {
    Random random = new Random(3);
    byte[][] frames = {new byte[0], new byte[1], new byte[70_000], new byte[5], new byte[262_144]};
    for (byte[] f : frames) random.nextBytes(f);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(stream);
    for (byte[] f : frames) {
      out.writeInt(f.length);
      out.write(f);
    }
    byte[] wire = stream.toByteArray();
    for (int seed = 0; seed < 5; seed++) {
      EmbeddedChannel channel = new EmbeddedChannel(new SizedFrameDecoder(300_000));
      Random cuts = new Random(seed);
      for (int at = 0; at < wire.length; ) {
        int n = Math.min(wire.length - at, 1 + cuts.nextInt(seed % 2 == 0 ? 3 : 100_000)); // 1–3 byte reads split the length field too
        channel.writeInbound(Unpooled.wrappedBuffer(wire, at, n));
        at += n;
      }
      for (byte[] f : frames) {
        ByteBuf got = channel.readInbound();
        byte[] bytes = new byte[got.readableBytes()];
        got.readBytes(bytes);
        got.release();
        assertArrayEquals(f, bytes, "seed " + seed + ", frame of " + f.length + " bytes");
      }
      assertNull(channel.readInbound());
      assertFalse(channel.finish());
    }
  }

  @Test
  void aLengthBeyondTheLimitFailsBeforeAllocating() {
    EmbeddedChannel channel = new EmbeddedChannel(new SizedFrameDecoder(1024));
    ByteBuf claim = Unpooled.buffer().writeInt(Integer.MAX_VALUE);
    TooLongFrameException e = assertThrows(TooLongFrameException.class, () -> channel.writeInbound(claim));
    assertEquals(0, claim.refCnt(), "the read buffer is released");
    assertEquals(true, e.getMessage().contains("2147483647"), e.getMessage());
  }

  @Test
  void aNegativeLengthIsReportedAsNegativeNotAsAHugeOne() {
    EmbeddedChannel channel = new EmbeddedChannel(new SizedFrameDecoder(1024));
    ByteBuf claim = Unpooled.buffer().writeInt(-126299381);
    CorruptedFrameException e = assertThrows(CorruptedFrameException.class, () -> channel.writeInbound(claim));
    assertEquals(0, claim.refCnt(), "the read buffer is released");
    assertEquals(true, e.getMessage().contains("frame length -126299381 is negative"), e.getMessage());
  }

  @Test
  void aFrameCutOffByTheCloseIsReleased() {
    EmbeddedChannel channel = new EmbeddedChannel(new SizedFrameDecoder(1 << 20));
    channel.writeInbound(Unpooled.buffer().writeInt(1000).writeBytes(new byte[10]));
    assertNull(channel.readInbound());
    assertFalse(channel.finish()); // channelInactive releases the partial frame; paranoid leak detection would report it otherwise
  }
}
