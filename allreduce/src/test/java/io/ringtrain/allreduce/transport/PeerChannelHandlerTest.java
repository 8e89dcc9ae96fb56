package io.ringtrain.allreduce.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringtrain.allreduce.CommunicatorConfig;
import io.ringtrain.allreduce.ring.Ring;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An authenticated peer's channel, on an embedded channel in front of a real {@link Ring}. */
class PeerChannelHandlerTest {
  @Test
  void aCorruptFrameFromAPeerFailsTheRingNamingThePeerAndTheCause() {
    Ring ring =
        new Ring(
            CommunicatorConfig.builder()
                .setPeers(List.of("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"))
                .setRank(0)
                .setSecret("test-secret-test-secret".getBytes(StandardCharsets.US_ASCII))
                .build());
    PeerLink peer = ring.link(2);
    EmbeddedChannel channel = new EmbeddedChannel(new DataFrameDecoder(0), new PeerChannelHandler(peer, ring));
    peer.attach(channel);

    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x7f})); // no such frame type

    assertFalse(channel.isOpen(), "the corrupt connection stays open");
    assertNotNull(ring.failure(), "the ring would only learn that rank 2 closed the connection");
    String message = ring.failure().getMessage();
    assertTrue(message.contains("rank 2") && message.contains("unknown frame type 127"), message);
  }
}
