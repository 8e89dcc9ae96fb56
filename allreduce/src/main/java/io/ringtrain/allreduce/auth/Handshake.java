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
 * The challenge-response handshake that runs before any data frame (both ends prove the secret):
 *
 * <pre>
 * client (higher rank)                           server (lower rank)
 *   HELLO     magic, version, generation, world,
 *             clientRank, serverRank, nonceC   --&gt;
 *                                              &lt;--  CHALLENGE serverRank, nonceS,
 *                                                    macS = HMAC(secret, "ringtrain-server" | fields | nonceC | nonceS)
 *   RESPONSE  macC = HMAC(secret, "ringtrain-client" | fields | nonceC | nonceS)  --&gt;
 *                                              &lt;--  ACCEPT
 * </pre>
 *
 * HMAC-SHA256 with the job secret as key; fields are generation, world size, client rank, server
 * rank. Fresh 32-byte nonces on both sides make a recorded handshake useless for a replay, and
 * the two labels stop one side's MAC from being reflected as the other's. Each message is framed
 * as {@code int length} then the body; handshake frames are at most {@link #MAX_FRAME_BYTES}.
 */
public final class Handshake {
  public static final int MAX_FRAME_BYTES = 512;
  static final byte HELLO = 0x10;
  static final byte CHALLENGE = 0x11;
  static final byte RESPONSE = 0x12;
  static final byte ACCEPT = 0x13;
  static final int MAGIC = 0x52494E47; // "RING"
  static final byte VERSION = 1;
  static final int NONCE_BYTES = 32;
  static final int MAC_BYTES = 32;
  static final int HELLO_BYTES = 1 + 4 + 1 + 4 + 4 + 4 + 4 + NONCE_BYTES;
  static final int CHALLENGE_BYTES = 1 + 4 + NONCE_BYTES + MAC_BYTES;
  static final int RESPONSE_BYTES = 1 + MAC_BYTES;
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

  static byte[] mac(byte[] secret, String label, int generation, int world, int clientRank, int serverRank, byte[] nonceC, byte[] nonceS) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(label.getBytes(StandardCharsets.US_ASCII));
      mac.update(ByteBuffer.allocate(16).putInt(generation).putInt(world).putInt(clientRank).putInt(serverRank).array());
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
}
