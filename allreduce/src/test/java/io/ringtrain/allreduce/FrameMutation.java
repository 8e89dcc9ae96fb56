package io.ringtrain.allreduce;

import io.ringtrain.allreduce.transport.WireFormat;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * One mutation of one data frame of an authenticated peer's stream (the {@code target}-th, counting
 * data frames only), chosen from a seed: what {@link FrameFuzzIT} applies through a {@link
 * FrameProxy}. Frames are read in the {@link WireFormat} layout, length field included; abort
 * frames pass unchanged. Stateful (a reordered frame is held back): one instance per connection.
 */
final class FrameMutation implements FrameProxy.FrameMutator {
  /** Where the fields of a DATA frame sit, counting the 4-byte length field (see {@link WireFormat}). */
  static final int TYPE_AT = 4;
  static final int GENERATION_AT = 5;
  static final int SEQUENCE_AT = 9;
  static final int KIND_AT = 17;
  static final int OP_AT = 18;
  static final int ELEMENT_TYPE_AT = 19;
  static final int COUNT_AT = 20;
  static final int STEP_AT = 28;
  static final int SEGMENT_AT = 32;
  static final int PAYLOAD_AT = 4 + WireFormat.DATA_HEADER_BYTES;

  enum Kind {
    HEADER_BIT_FLIP, LENGTH_BIT_FLIP, LENGTH_ZERO, LENGTH_NEGATIVE, LENGTH_HUGE, LENGTH_SHORTER, LENGTH_LONGER,
    TRUNCATE_AND_CLOSE, PAYLOAD_SHORTER, PAYLOAD_LONGER,
    TYPE, GENERATION, SEQUENCE, COLLECTIVE_KIND, OP, ELEMENT_TYPE, COUNT, STEP, SEGMENT,
    DUPLICATE, REORDER, DROP, PAYLOAD_BIT_FLIPS;

    /**
     * False where the receiver may see nothing wrong, only nothing more (a lost or held-back
     * frame, a length that claims more bytes than come): it then times out, and so may the ranks
     * waiting on it, each naming the peer it waited for.
     */
    boolean seenInTheFrame() {
      return this != DROP && this != REORDER && this != LENGTH_LONGER && this != LENGTH_BIT_FLIP;
    }
  }

  private final Kind kind;
  private final int target;
  private final Random random;
  private int seen; // data frames so far
  private byte[] heldBack; // REORDER: the target frame, sent after the next one
  private volatile boolean fired;
  private volatile int payloadBytesChanged;
  private volatile String applied = "not applied (fewer frames)";

  FrameMutation(Kind kind, int target, long seed) {
    this.kind = kind;
    this.target = target;
    this.random = new Random(seed);
  }

  /** Whether the target frame came (and was mutated). */
  boolean fired() {
    return fired;
  }

  /** Payload bytes changed in place (PAYLOAD_BIT_FLIPS): at most this many elements of a result may differ. */
  int payloadBytesChanged() {
    return payloadBytesChanged;
  }

  /** What was done, for the case's report line. */
  String applied() {
    return applied;
  }

  @Override
  public FrameProxy.Rewrite next(byte[] frame) {
    if (frame.length <= TYPE_AT || frame[TYPE_AT] != WireFormat.DATA) return pass(frame);
    int index = seen++;
    if (heldBack != null) {
      byte[] held = heldBack;
      heldBack = null;
      return new FrameProxy.Rewrite(List.of(frame, held), false);
    }
    if (index != target) return pass(frame);
    fired = true;
    applied = kind + " on data frame " + index;
    ByteBuffer bytes = ByteBuffer.wrap(frame);
    switch (kind) {
      case HEADER_BIT_FLIP -> flipBit(frame, TYPE_AT + random.nextInt(WireFormat.DATA_HEADER_BYTES));
      case LENGTH_BIT_FLIP -> flipBit(frame, random.nextInt(4));
      case LENGTH_ZERO -> bytes.putInt(0, 0);
      case LENGTH_NEGATIVE -> bytes.putInt(0, -1 - random.nextInt(Integer.MAX_VALUE));
      case LENGTH_HUGE -> bytes.putInt(0, random.nextBoolean() ? Integer.MAX_VALUE : (1 << 30) + random.nextInt(1 << 30));
      case LENGTH_SHORTER -> bytes.putInt(0, bytes.getInt(0) - 1 - random.nextInt(Math.max(1, bytes.getInt(0))));
      case LENGTH_LONGER -> bytes.putInt(0, bytes.getInt(0) + 1 + random.nextInt(64));
      case TRUNCATE_AND_CLOSE -> {
        int keep = random.nextInt(frame.length);
        applied += ", " + keep + " of " + frame.length + " bytes then close";
        return new FrameProxy.Rewrite(List.of(java.util.Arrays.copyOf(frame, keep)), true);
      }
      case PAYLOAD_SHORTER -> {
        int payload = frame.length - PAYLOAD_AT;
        int cut = 1 + random.nextInt(Math.max(1, payload));
        if (cut > payload) cut = payload;
        byte[] shorter = java.util.Arrays.copyOf(frame, frame.length - cut);
        ByteBuffer.wrap(shorter).putInt(0, shorter.length - 4);
        applied += ", " + cut + " payload bytes fewer";
        return new FrameProxy.Rewrite(List.of(shorter), false);
      }
      case PAYLOAD_LONGER -> {
        int extra = 1 + random.nextInt(16);
        byte[] longer = java.util.Arrays.copyOf(frame, frame.length + extra);
        ByteBuffer.wrap(longer).putInt(0, longer.length - 4);
        applied += ", " + extra + " payload bytes more";
        return new FrameProxy.Rewrite(List.of(longer), false);
      }
      case TYPE -> frame[TYPE_AT] = (byte) otherThan(frame[TYPE_AT], 256);
      case GENERATION -> bytes.putInt(GENERATION_AT, (int) mutateValue(bytes.getInt(GENERATION_AT)));
      case SEQUENCE -> bytes.putLong(SEQUENCE_AT, mutateValue(bytes.getLong(SEQUENCE_AT)));
      case COLLECTIVE_KIND -> frame[KIND_AT] = (byte) otherThan(frame[KIND_AT], 256);
      case OP -> frame[OP_AT] = (byte) otherThan(frame[OP_AT], 256);
      case ELEMENT_TYPE -> frame[ELEMENT_TYPE_AT] = (byte) otherThan(frame[ELEMENT_TYPE_AT], 256);
      case COUNT -> bytes.putLong(COUNT_AT, mutateValue(bytes.getLong(COUNT_AT)));
      case STEP -> bytes.putInt(STEP_AT, (int) mutateValue(bytes.getInt(STEP_AT)));
      case SEGMENT -> bytes.putInt(SEGMENT_AT, (int) mutateValue(bytes.getInt(SEGMENT_AT)));
      case DUPLICATE -> {
        return new FrameProxy.Rewrite(List.of(frame, frame.clone()), false);
      }
      case REORDER -> {
        heldBack = frame;
        return new FrameProxy.Rewrite(List.of(), false);
      }
      case DROP -> {
        return new FrameProxy.Rewrite(List.of(), false);
      }
      case PAYLOAD_BIT_FLIPS -> {
        int payload = frame.length - PAYLOAD_AT;
        if (payload == 0) return pass(frame);
        java.util.Set<Integer> touched = new java.util.HashSet<>();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
          int at = PAYLOAD_AT + random.nextInt(payload);
          flipBit(frame, at);
          touched.add(at);
        }
        payloadBytesChanged = touched.size();
        applied += ", " + flips + " bit(s) in " + touched.size() + " payload byte(s)";
      }
    }
    return pass(frame);
  }

  private static FrameProxy.Rewrite pass(byte[] frame) {
    return new FrameProxy.Rewrite(List.of(frame), false);
  }

  private void flipBit(byte[] frame, int at) {
    int bit = random.nextInt(8);
    frame[at] ^= (byte) (1 << bit);
    applied += ", bit " + bit + " of byte " + at;
  }

  /** Another byte value: half the time a neighbour, else anything in 0..range-1. */
  private int otherThan(byte value, int range) {
    int next = random.nextBoolean() ? value + (random.nextBoolean() ? 1 : -1) : random.nextInt(range);
    if ((byte) next == value) next = value + 1;
    applied += ", " + value + " -> " + (byte) next;
    return next;
  }

  /** ±1, 0, an extreme or anything; never the value itself. */
  private long mutateValue(long value) {
    long next = switch (random.nextInt(5)) {
      case 0 -> value + 1;
      case 1 -> value - 1;
      case 2 -> 0;
      case 3 -> random.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
      default -> random.nextInt();
    };
    if (next == value) next = value ^ 1;
    applied += ", " + value + " -> " + next;
    return next;
  }
}
