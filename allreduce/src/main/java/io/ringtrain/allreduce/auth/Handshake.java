package io.ringtrain.allreduce.auth;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The challenge-response handshake that runs before any data frame. The initiator proves the key
 * first, so nothing computed from the key ever reaches a party that has not proved it:
 *
 * <pre>
 * client (initiator)                              server
 *   HELLO     magic, version, generation, world,
 *             clientRank, serverRank,
 *             connection, connections, nonceC  --&gt;
 *                                              &lt;--  CHALLENGE nonceS          (the same for every well-formed HELLO)
 *   RESPONSE  macC = HMAC(key, "ringtrain-client" | purpose | fields | nonceC | nonceS)  --&gt;
 *                                                    server verifies macC over the HELLO's fields, then
 *                                                    checks generation, world, ranks and duplicates
 *                                              &lt;--  ACCEPT macS = HMAC(key, "ringtrain-server" | purpose | fields | nonceC | nonceS)
 *                                               or   REFUSED reason  (only to a client that proved the key)
 * </pre>
 *
 * HMAC-SHA256; fields are generation, world size, client rank, server rank, and which of how many
 * connections between the two ranks this is ({@link RingIdentity#connectionsPerPeer}). The CHALLENGE is only
 * a fresh nonce: a stranger learns neither a MAC to guess the key from offline nor whether its
 * generation, world size or ranks were right. Fresh 32-byte nonces on both sides make a recorded
 * handshake useless for a replay; the two side labels stop one side's MAC from being reflected as
 * the other's, and the {@link Purpose} stops a proof for one kind of connection (the ring, the
 * progress channel) from being accepted by the other. The client takes the channel only after it
 * has verified macS, so a server that does not know the key cannot pass for one. Each message is
 * framed as {@code int length} then the body; handshake frames are at most {@link #MAX_FRAME_BYTES}.
 */
public final class Handshake {
  /** What a connection is for; bound into every MAC, so a proof for one is refused by the other. */
  public enum Purpose {
    /** A data connection between two ranks of a ring. */
    RING,
    /** Rank 0's progress lines to the driver. */
    PROGRESS;

    byte[] label() {
      return ("ringtrain-" + name().toLowerCase(java.util.Locale.ROOT)).getBytes(StandardCharsets.US_ASCII);
    }
  }

  public static final int MAX_FRAME_BYTES = 512;
  static final byte HELLO = 0x10;
  static final byte CHALLENGE = 0x11;
  static final byte RESPONSE = 0x12;
  static final byte ACCEPT = 0x13;
  static final byte REFUSED = 0x14;
  static final int MAGIC = 0x52494E47; // "RING"
  /**
   * 3: HELLO names the connection and the connections per peer. (2: the initiator proves first and
   * CHALLENGE carries no MAC; 1 answered every HELLO with one.)
   */
  static final byte VERSION = 3;
  static final int NONCE_BYTES = 32;
  static final int MAC_BYTES = 32;
  static final int HELLO_BYTES = 1 + 4 + 1 + 4 + 4 + 4 + 4 + 4 + 4 + NONCE_BYTES;
  static final int CHALLENGE_BYTES = 1 + NONCE_BYTES;
  static final int RESPONSE_BYTES = 1 + MAC_BYTES;
  static final int ACCEPT_BYTES = 1 + MAC_BYTES;
  /** The longest reason a REFUSED frame carries, in UTF-8 bytes. */
  static final int MAX_REASON_BYTES = 200;
  static final String CLIENT_SIDE = "ringtrain-client";
  static final String SERVER_SIDE = "ringtrain-server";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Handshake() {}

  /** The frame decoder used until the peer is authenticated: anything longer is refused at once. */
  public static LengthFieldBasedFrameDecoder newFrameDecoder() {
    return new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 4, true);
  }

  static byte[] nonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /** {@code side}: {@link #CLIENT_SIDE} or {@link #SERVER_SIDE}. */
  static byte[] mac(byte[] key, String side, Purpose purpose, int generation, int world, int clientRank, int serverRank,
      int connection, int connections, byte[] nonceC, byte[] nonceS) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(side.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '|');
      mac.update(purpose.label());
      mac.update((byte) '|');
      mac.update(ByteBuffer.allocate(24).putInt(generation).putInt(world).putInt(clientRank).putInt(serverRank)
          .putInt(connection).putInt(connections).array());
      mac.update(nonceC);
      mac.update(nonceS);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** Constant-time comparison, so timing does not reveal how many leading bytes matched. */
  static boolean sameMac(byte[] expected, byte[] received) {
    return MessageDigest.isEqual(expected, received);
  }

  static ByteBuf frame(ChannelHandlerContext ctx, int bodyBytes) {
    ByteBuf buf = ctx.alloc().buffer(4 + bodyBytes);
    buf.writeInt(bodyBytes);
    return buf;
  }

  static byte[] readBytes(ByteBuf in, int count) {
    byte[] bytes = new byte[count];
    in.readBytes(bytes);
    return bytes;
  }

  /** A REFUSED frame's reason, cut to {@link #MAX_REASON_BYTES}. */
  static byte[] reasonBytes(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    return bytes.length <= MAX_REASON_BYTES ? bytes : java.util.Arrays.copyOf(bytes, MAX_REASON_BYTES);
  }

  /** A REFUSED frame's reason as text fit for an error message: printable ASCII only, whatever the peer sent. */
  static String readReason(ByteBuf in) {
    int n = Math.min(in.readableBytes(), MAX_REASON_BYTES);
    StringBuilder text = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      int c = in.readByte() & 0xff;
      text.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return text.toString();
  }
}
