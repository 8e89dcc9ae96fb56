package io.ringtrain.allreduce.reduce;

/**
 * bfloat16 conversions: a bfloat16 is the top half of a float32 (sign, 8-bit exponent, 7-bit
 * mantissa), so widening is a shift and narrowing is a rounding of the low 16 bits.
 */
public final class BFloat16 {
  private BFloat16() {}

  /**
   * Rounds to the nearest bfloat16, ties to even (as PyTorch's {@code x.to(torch.bfloat16)});
   * NaN stays a (quiet) NaN, and finite values beyond the largest bfloat16 become infinities.
   */
  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x0040);
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  public static float toFloat(short bf16) {
    return Float.intBitsToFloat((bf16 & 0xffff) << 16);
  }

  /** The float32 value of the nearest bfloat16: {@code toFloat(fromFloat(value))}. */
  public static float round(float value) {
    return toFloat(fromFloat(value));
  }

  /** {@code wire[i] = fromFloat(values[from + i])} and {@code values[from + i]} rounded in place. */
  public static void narrow(float[] values, int from, short[] wire, int count) {
    for (int i = 0; i < count; i++) {
      short narrowed = fromFloat(values[from + i]);
      wire[i] = narrowed;
      values[from + i] = toFloat(narrowed);
    }
  }

  public static void widen(short[] wire, float[] values, int from, int count) {
    for (int i = 0; i < count; i++) values[from + i] = toFloat(wire[i]);
  }
}
