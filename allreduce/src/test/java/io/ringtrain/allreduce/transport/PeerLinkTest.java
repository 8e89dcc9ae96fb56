package io.ringtrain.allreduce.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringtrain.allreduce.ReduceOp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The inbox side of a peer connection: backpressure, the closed marker, timeouts and ownership. */
class PeerLinkTest {
  private static final CollectiveHeader HEADER =
      new CollectiveHeader(0, 1, CollectiveKind.ALL_REDUCE_RING, ReduceOp.SUM, ElementType.FLOAT32, 4, true);

  private static DataFrame frame(int segment) {
    return new DataFrame(HEADER, 0, segment, Unpooled.directBuffer(16).writeZero(16));
  }

  private static long soon() {
    return System.nanoTime() + 1_000_000_000L;
  }

  @Test
  void aFullInboxStopsReadingAndDrainingItResumes() throws TimeoutException {
    EmbeddedChannel channel = new EmbeddedChannel();
    PeerLink link = new PeerLink(1, "test:1", 4);
    assertTrue(link.attach(channel));
    for (int i = 0; i < PeerLink.INBOX_HIGH_WATER; i++) link.deliver(frame(i));
    assertFalse(channel.config().isAutoRead(), "reading pauses at the high-water mark");
    List<DataFrame> taken = new ArrayList<>();
    while (!channel.config().isAutoRead()) taken.add((DataFrame) link.take(soon(), () -> null));
    assertEquals(PeerLink.INBOX_HIGH_WATER - PeerLink.INBOX_LOW_WATER, taken.size(), "reading resumes at the low-water mark");
    for (int i = 0; i < taken.size(); i++) assertEquals(i, taken.get(i).segment(), "frames come out in arrival order");
    taken.forEach(DataFrame::release); // the taker owns what it took
    link.discardInbox(); // the link releases what nobody took
    assertFalse(channel.finish());
  }

  @Test
  void theClosedMarkerComesAfterTheFramesAndStays() throws TimeoutException {
    PeerLink link = new PeerLink(1, "test:1", 4);
    DataFrame last = frame(0);
    link.deliver(last);
    link.deliver(PeerLink.CLOSED);
    assertSame(last, link.take(soon(), () -> null), "data that arrived before the close is still delivered");
    last.release();
    assertSame(PeerLink.CLOSED, link.take(soon(), () -> null));
    assertSame(PeerLink.CLOSED, link.take(soon(), () -> null), "every later take sees the close too");
  }

  @Test
  void takeTimesOutOrThrowsTheRingsFailure() {
    PeerLink link = new PeerLink(1, "test:1", 4);
    assertThrows(TimeoutException.class, () -> link.take(System.nanoTime() + 20_000_000L, () -> null));
    IllegalStateException failure = new IllegalStateException("aborted by rank 3");
    assertSame(failure, assertThrows(IllegalStateException.class, () -> link.take(soon(), () -> failure)));
  }

  @Test
  void sendingOnAClosedConnectionReleasesThePayloadAndNamesThePeer() {
    EmbeddedChannel channel = new EmbeddedChannel();
    PeerLink link = new PeerLink(2, "10.0.0.3:7070", 4);
    link.attach(channel);
    channel.close();
    DataFrame frame = frame(0);
    ByteBuf payload = frame.payload();
    IllegalStateException failure = assertThrows(IllegalStateException.class, () -> link.send(frame, soon(), () -> null));
    assertTrue(failure.getMessage().contains("rank 2 (10.0.0.3:7070)"), failure.getMessage());
    assertEquals(0, payload.refCnt());
  }

  @Test
  void segmentIGoesOutAndIsTakenOnConnectionIModK() throws TimeoutException {
    EmbeddedChannel first = new EmbeddedChannel(), second = new EmbeddedChannel();
    PeerLink link = new PeerLink(1, "test:1", 4, 2);
    assertTrue(link.attach(0, first));
    assertTrue(link.attach(1, second));
    assertFalse(link.attach(1, new EmbeddedChannel()), "a second channel for a bound connection is a duplicate");
    link.send(frame(3), soon(), () -> null);
    assertNull(first.readOutbound(), "segment 3 of K = 2 went out on connection 0");
    DataFrame sent = second.readOutbound();
    assertEquals(3, sent.segment());
    sent.release();
    DataFrame arrived = frame(5);
    link.deliver(1, arrived);
    assertThrows(TimeoutException.class, () -> link.take(4, System.nanoTime() + 20_000_000L, () -> null), "segment 4 waits on connection 0");
    assertSame(arrived, link.take(5, soon(), () -> null));
    arrived.release();
    assertFalse(first.finish());
    assertFalse(second.finish());
  }
}
