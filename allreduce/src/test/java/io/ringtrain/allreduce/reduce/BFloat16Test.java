package io.ringtrain.allreduce.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** bfloat16 rounding: ties to even, the nearest neighbour otherwise, specials kept. */
class BFloat16Test {
  @Test
  void tiesRoundToTheEvenMantissa() {
    float ulp = 0x1p-7f; // spacing of bfloat16 values in [1, 2)
    assertEquals(1f, BFloat16.round(1f + ulp / 2), "1 + ulp/2 lies halfway between 1 (even) and 1 + ulp (odd)");
    assertEquals(1f + 2 * ulp, BFloat16.round(1f + 3 * ulp / 2), "1 + 3ulp/2 lies halfway between 1 + ulp (odd) and 1 + 2ulp (even)");
    assertEquals(1f + ulp, BFloat16.round(1f + ulp / 2 + 0x1p-20f), "just above the tie goes up");
    assertEquals((short) 0x3f80, BFloat16.fromFloat(1f));
    assertEquals((short) 0xc000, BFloat16.fromFloat(-2f));
  }

  @Test
  void specialValuesSurvive() {
    assertTrue(Float.isNaN(BFloat16.round(Float.NaN)));
    assertTrue(Float.isNaN(BFloat16.round(Float.intBitsToFloat(0x7f800001))), "a NaN whose payload sits in the low bits stays NaN");
    assertEquals(Float.POSITIVE_INFINITY, BFloat16.round(Float.POSITIVE_INFINITY));
    assertEquals(Float.POSITIVE_INFINITY, BFloat16.round(Float.MAX_VALUE), "beyond the largest bfloat16 rounds to infinity");
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(BFloat16.round(-0f)));
  }

  /** The reference: the two bfloat16 neighbours by truncation, and the nearer one by exact double arithmetic. */
  @Test
  void randomFloatsRoundToTheNearerNeighbour() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      float x = Float.intBitsToFloat(random.nextInt() & 0x7f7fffff | (random.nextBoolean() ? 0x80000000 : 0)); // finite
      int bits = Float.floatToRawIntBits(x);
      double down = Float.intBitsToFloat(bits & 0xffff0000);
      double up = Float.intBitsToFloat((bits & 0xffff0000) + 0x10000);
      if (Double.isInfinite(up)) continue; // overflow to infinity is checked in specialValuesSurvive
      double got = BFloat16.round(x);
      double errGot = Math.abs(got - x), errBest = Math.min(Math.abs(down - x), Math.abs(up - x));
      assertTrue(got == down || got == up, "round(" + x + ") = " + got + " is not a neighbour");
      assertEquals(errBest, errGot, 0d, "round(" + x + ") = " + got + " is not the nearer of " + down + " and " + up);
    }
  }
}
