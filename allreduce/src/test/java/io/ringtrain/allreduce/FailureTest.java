package io.ringtrain.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mismatched collectives and a rank that never shows up, within one JVM (the multi-process
 * versions, with killed and stopped JVMs, are in RankFailureIT).
 */
class FailureTest {
  @Test
  void aLengthMismatchFailsEveryRankNamingBothSides() {
    int world = 3;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSmallBufferBytes(0))) {
      List<Throwable> failures = ring.failuresOnEveryRank(c -> {
        c.allReduce(new float[c.rank() == 1 ? 10 : 11], ReduceOp.SUM);
        return null;
      });
      for (int r = 0; r < world; r++) {
        Throwable failure = failures.get(r);
        assertInstanceOf(CollectiveException.class, failure, "rank " + r + " did not fail");
        assertTrue(failure.getMessage().contains("does not match"), failure.getMessage());
        assertTrue(failure.getMessage().contains("10 elements") && failure.getMessage().contains("11 elements"), failure.getMessage());
      }
    }
  }

  @Test
  void anOpMismatchInRecursiveDoublingFailsEveryRank() {
    int world = 4;
    try (LoopbackRing ring = LoopbackRing.start(world)) {
      List<Throwable> failures = ring.failuresOnEveryRank(c -> {
        c.allReduce(new float[8], c.rank() == 3 ? ReduceOp.MAX : ReduceOp.SUM);
        return null;
      });
      for (int r = 0; r < world; r++) {
        assertNotNull(failures.get(r), "rank " + r + " returned as if nothing happened");
        assertTrue(failures.get(r).getMessage().contains("MAX") && failures.get(r).getMessage().contains("SUM"), failures.get(r).getMessage());
      }
    }
  }

  @Test
  void aRankThatNeverJoinsMakesTheOthersFailWithinTheTimeoutNamingOpSequenceAndPeer() {
    int world = 3;
    long timeoutMillis = 1500;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optTimeout(Duration.ofMillis(timeoutMillis)).optSmallBufferBytes(0))) {
      ring.onEveryRank(c -> {
        c.barrier();
        return null;
      });
      long start = System.nanoTime();
      List<Throwable> failures = ring.failuresOnEveryRank(c -> {
        if (c.rank() != 2) c.allReduce(new float[100_000], ReduceOp.SUM); // rank 2 stalls: it never calls
        return null;
      });
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      for (int r = 0; r < 2; r++) {
        String message = failures.get(r).getMessage();
        assertTrue(message.contains("allReduce #1"), message);
        assertTrue(message.contains("rank 2") || message.contains("rank 1"), message);
      }
      // one timeout plus scheduling slack on a loaded (oversubscribed) 2-core machine
      assertTrue(elapsedMillis < timeoutMillis + 3500, "survivors took " + elapsedMillis + " ms");
      // once failed, the communicator stays failed and says so at once
      CollectiveException after = assertThrows(CollectiveException.class, () -> ring.rank(0).barrier());
      assertTrue(after.getMessage().contains("barrier #2"), after.getMessage());
      assertEquals(world, ring.worldSize());
    }
  }
}
