package io.ringtrain.allreduce.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CostModelTest {
  private final CostModel model = CostModel.FITTED;

  /** Rows of the fit table in docs/collectives.md (tools/costmodel/fit.py), to the table's rounding. */
  @Test
  void reproducesTheFitTablesPredictions() {
    // W = 4 on loopback, 16 MiB, ring, four ranks on two cores (s = 2): 20.8 ms
    assertEquals(20.75, model.allReduceSeconds(4, 16L << 20, LinkRate.LOOPBACK, CostModel.DEFAULT_SMALL_BUFFER_BYTES, 2) * 1e3, 0.05);
    // W = 2 at 1 Gbit/s, 64 MiB, ring: 547 ms
    assertEquals(547, model.allReduceSeconds(2, 64L << 20, new LinkRate(1), CostModel.DEFAULT_SMALL_BUFFER_BYTES, 2 / 2.0) * 1e3, 0.5);
    // W = 4 on loopback, 4 KiB, recursive doubling: 0.214 ms
    assertEquals(0.2137, model.allReduceSeconds(4, 4096, LinkRate.LOOPBACK, CostModel.DEFAULT_SMALL_BUFFER_BYTES, 2) * 1e3, 0.0005);
  }

  @Test
  void picksTheAlgorithmByTheThreshold() {
    LinkRate link = new LinkRate(25);
    long n = 256 << 10;
    assertEquals(model.recursiveDoublingSeconds(8, n, link, 1), model.allReduceSeconds(8, n, link), 0);
    assertEquals(model.ringSeconds(8, n + 4, link, 1), model.allReduceSeconds(8, n + 4, link), 0);
    assertEquals(0, model.allReduceSeconds(1, n, link), 0, "a world of one communicates nothing");
  }

  @Test
  void crossoverIsWhereRecursiveDoublingStopsWinning() {
    LinkRate link = new LinkRate(25);
    for (int world : new int[] {2, 8, 256}) {
      long n = model.crossoverBytes(world, link);
      assertTrue(model.recursiveDoublingSeconds(world, n, link, 1) <= model.ringSeconds(world, n, link, 1));
      assertTrue(model.recursiveDoublingSeconds(world, 2 * n, link, 1) > model.ringSeconds(world, 2 * n, link, 1));
    }
    assertTrue(model.crossoverBytes(256, link) > model.crossoverBytes(8, link), "more ranks, more ring steps to amortise");
  }

  @Test
  void broadcastSendsTheBufferOnceAHop() {
    LinkRate link = new LinkRate(10);
    assertEquals(3 * (model.alphaSeconds() + 1e6 * model.perByteSeconds(link, 1)), model.broadcastSeconds(8, 1_000_000, link), 1e-12);
    assertEquals(4 * (model.alphaSeconds() + 1e6 * model.perByteSeconds(link, 1)), model.broadcastSeconds(9, 1_000_000, link), 1e-12);
  }

  @Test
  void linkRatesParseAndRefuseTheRest() {
    assertEquals(25, LinkRate.parse("25gbit").gbit(), 0);
    assertEquals(0.5, LinkRate.parse("500mbit").gbit(), 0);
    assertEquals("500 Mbit/s", LinkRate.parse("500mbit").toString());
    for (String bad : new String[] {"25", "fast", "0gbit", "-1gbit", "25gbps", "1.5gbit"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkRate.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
