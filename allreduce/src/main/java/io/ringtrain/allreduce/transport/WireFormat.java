package io.ringtrain.allreduce.transport;

/**
 * Layout of the frames after authentication. Every frame is {@code int length} (bytes that
 * follow) then one type byte:
 *
 * <pre>
 * DATA  (1): int generation, long sequence, byte kind, byte op (-1: none), byte elementType,
 *            long count, int step, int segment, then the payload (little-endian elements)
 * ABORT (2): int culprit rank (-1: none named), long sequence, byte reason (ordinal, -1: none),
 *            short operation length, the operation in UTF-8, then the reason text in UTF-8
 * </pre>
 *
 * Multi-byte header fields are big-endian (Netty's default); payload elements are little-endian
 * so that x86 and ARM copy them to and from float arrays without swapping.
 */
public final class WireFormat {
  public static final byte DATA = 1;
  public static final byte ABORT = 2;
  /** Bytes of a DATA frame before the payload, counting the type byte but not the length field. */
  public static final int DATA_HEADER_BYTES = 1 + 4 + 8 + 1 + 1 + 1 + 8 + 4 + 4;
  /** Where fields sit in a DATA header (from the type byte), for reading a payload in place ({@link PeerLink#placeFor}). */
  static final int GENERATION_AT = 1;
  static final int SEQUENCE_AT = 5;
  static final int STEP_AT = 24;
  static final int SEGMENT_AT = 28;
  /** Bytes of an ABORT frame before its operation name, counting the type byte. */
  static final int ABORT_HEADER_BYTES = 1 + 4 + 8 + 1 + 2;
  /** Longest abort reason sent; longer ones are cut. */
  public static final int MAX_ABORT_REASON_BYTES = 4096;

  private WireFormat() {}

  /**
   * Largest frame a peer may send for a given segment size, counting the 4-byte length field
   * (as {@link io.netty.handler.codec.LengthFieldBasedFrameDecoder}'s limit does).
   */
  public static int maxFrameBytes(int segmentBytes) {
    return 4 + DATA_HEADER_BYTES + Math.max(segmentBytes, MAX_ABORT_REASON_BYTES + ABORT_HEADER_BYTES + 64);
  }
}
