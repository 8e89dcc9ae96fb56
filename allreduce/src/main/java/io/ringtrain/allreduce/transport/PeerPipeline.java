package io.ringtrain.allreduce.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

/**
 * The handlers of a peer connection, in order:
 *
 * <pre>
 * always, with TLS on:      tls (SslHandler)
 * before authentication:  frame (LengthFieldBasedFrameDecoder, max 512 B) -&gt; auth
 * after authentication:   frame (SizedFrameDecoder, max {@link WireFormat#maxFrameBytes}) -&gt; decode (DataFrameDecoder)
 *                         -&gt; encode (DataFrameEncoder, outbound) -&gt; peer (PeerChannelHandler)
 * </pre>
 *
 * Without TLS the socket then reads each frame straight into its own buffer ({@link FrameReadAllocator}),
 * and a payload the link has posted memory for straight into that memory ({@link PeerLink#post}).
 */
public final class PeerPipeline {
  /** Optional, first of all (see {@link io.ringtrain.allreduce.RingTls}); it stays when the others are swapped. */
  public static final String TLS = "tls";
  public static final String FRAME = "frame";
  public static final String AUTH = "auth";
  private static final DataFrameEncoder ENCODER = new DataFrameEncoder();

  private PeerPipeline() {}

  /**
   * Swaps the handshake handlers for the data handlers; called on the event loop by the auth
   * handler itself. The auth handler goes first, so that bytes the old frame decoder still holds
   * are forwarded (by its removal) through the new decoder to the data handlers, not to auth.
   * {@code channel} becomes connection {@code connection} of {@code link}.
   */
  public static void promote(Channel channel, int maxFrameBytes, int generation, PeerLink link, int connection, PeerEvents events) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.replace(AUTH, "decode", new DataFrameDecoder(generation));
    pipeline.addAfter("decode", "encode", ENCODER);
    pipeline.addAfter("encode", "peer", new PeerChannelHandler(link, connection, events));
    // frames are read in place, their payloads straight into posted memory where the link has it
    // (without TLS: the socket then carries the frames themselves, not ciphertext)
    boolean inPlace = pipeline.get(TLS) == null && channel.config().getRecvByteBufAllocator() instanceof FrameReadAllocator;
    SizedFrameDecoder frames = new SizedFrameDecoder(maxFrameBytes, inPlace ? link : null);
    pipeline.replace(FRAME, FRAME, frames);
    if (inPlace) ((FrameReadAllocator) channel.config().getRecvByteBufAllocator()).readInto(frames);
  }
}
