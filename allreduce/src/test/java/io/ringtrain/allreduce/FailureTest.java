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

  @Test
  void aPeerThatClosesInsteadOfJoiningIsNamedWithTheOperationAndSequenceOnEverySurvivor() {
    int world = 3;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSmallBufferBytes(0))) {
      ring.onEveryRank(c -> {
        c.barrier(); // collective #0
        return null;
      });
      List<Throwable> failures = ring.failuresOnEveryRank(c -> {
        if (c.rank() == 2) c.close(); // rank 2 goes away where the others run allReduce #1
        else c.allReduce(new float[100_000], ReduceOp.SUM);
        return null;
      });
      for (int r = 0; r < 2; r++) {
        CollectiveException failure = assertInstanceOf(CollectiveException.class, failures.get(r), "rank " + r + " did not fail");
        assertEquals(new CollectiveFailure(2, "allReduce", 1, CollectiveFailure.Reason.CONNECTION_CLOSED), failure.failure(),
            "rank " + r + ": " + failure.getMessage());
      }
    }
  }

  @Test
  void aPeerThatStallsPastTheTimeoutIsNamedWithTheOperationAndSequence() {
    try (LoopbackRing ring = LoopbackRing.start(2, b -> b.optTimeout(Duration.ofMillis(800)))) {
      List<Throwable> failures = ring.failuresOnEveryRank(c -> {
        if (c.rank() == 0) c.allReduce(new float[16], ReduceOp.SUM); // rank 1 stalls: it never calls allReduce #0
        return null;
      });
      CollectiveException failure = assertInstanceOf(CollectiveException.class, failures.get(0));
      assertEquals(new CollectiveFailure(1, "allReduce", 0, CollectiveFailure.Reason.TIMEOUT), failure.failure(), failure.getMessage());
      assertTrue(failure.failure().describe().equals("rank 1 (allReduce #0, timed out)"), failure.failure().describe());
    }
  }

  @Test
  void aRankToldOfAFailureByAnAbortBlamesTheRankTheAborterBlamed() {
    int world = 4;
    try (LoopbackRing ring = LoopbackRing.start(world)) {
      List<Throwable> failures = ring.failuresOnEveryRank(c -> {
        // rank 3 sends a frame of another collective to its peers; ranks that never talk to it hear of it by abort
        c.allReduce(new float[8], c.rank() == 3 ? ReduceOp.MAX : ReduceOp.SUM);
        return null;
      });
      for (int r = 0; r < 3; r++) {
        CollectiveException failure = assertInstanceOf(CollectiveException.class, failures.get(r), "rank " + r + " did not fail");
        assertNotNull(failure.failure(), failure.getMessage());
        assertEquals("allReduce", failure.failure().operation(), failure.getMessage());
        assertEquals(0, failure.failure().sequence(), failure.getMessage());
      }
    }
  }
}
