package io.ringtrain.allreduce.ring;

/**
 * Arrays a received segment is copied into before the SIMD kernel combines it (the Vector API
 * reads arrays on every JDK we support), one segment long, reused by every collective of a ring.
 * Only the collective thread touches them.
 */
final class Scratch {
  /** Elements combined at a time: 16 KiB of floats, well inside L1 with the buffer's own piece. */
  static final int PIECE = 4096;
  private final int segmentBytes;
  private float[] floats;
  private float[] moreFloats;
  private double[] doubles;
  private short[] shorts;

  Scratch(int segmentBytes) {
    this.segmentBytes = segmentBytes;
  }

  float[] floats() {
    if (floats == null) floats = new float[segmentBytes / Float.BYTES];
    return floats;
  }

  /** A second float array, for buffers that are not arrays themselves (a direct FloatBuffer). */
  float[] moreFloats() {
    if (moreFloats == null) moreFloats = new float[segmentBytes / Float.BYTES];
    return moreFloats;
  }

  /** bfloat16 wire values of one float segment. */
  short[] shorts() {
    if (shorts == null) shorts = new short[segmentBytes / Float.BYTES];
    return shorts;
  }

  double[] doubles() {
    if (doubles == null) doubles = new double[segmentBytes / Double.BYTES];
    return doubles;
  }
}
