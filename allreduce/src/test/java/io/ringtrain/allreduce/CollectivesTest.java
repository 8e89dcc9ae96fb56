package io.ringtrain.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Broadcast, allGather, barrier and the world-of-one communicator, over loopback sockets. */
class CollectivesTest {
  private static final int SEGMENT_BYTES = 4 << 10;

  @Test
  void broadcastCopiesRootsFloatsAndDoublesToEveryRankForEveryRoot() {
    int world = 5;
    int n = 3001; // several 4 KiB segments
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES))) {
      for (int root = 0; root < world; root++) {
        int rootRank = root;
        List<Object[]> results = ring.onEveryRank(c -> {
          float[] floats = new float[n];
          double[] doubles = new double[7];
          if (c.rank() == rootRank) {
            for (int i = 0; i < n; i++) floats[i] = i * 0.5f + rootRank;
            for (int i = 0; i < doubles.length; i++) doubles[i] = Math.PI * i;
          }
          c.broadcast(floats, rootRank);
          c.broadcast(doubles, rootRank);
          return new Object[] {floats, doubles};
        });
        for (int r = 0; r < world; r++) {
          float[] floats = (float[]) results.get(r)[0];
          for (int i = 0; i < n; i++) assertEquals(i * 0.5f + rootRank, floats[i], 0f, "root " + rootRank + " rank " + r + " element " + i);
          for (int i = 0; i < 7; i++) assertEquals(Math.PI * i, ((double[]) results.get(r)[1])[i], 0d);
        }
      }
    }
  }

  @Test
  void byteBroadcastDeliversRootsBytesWhoseLengthOnlyRootKnew() {
    int world = 4;
    byte[] payload = new byte[10_000];
    new Random(1).nextBytes(payload);
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES))) {
      List<byte[]> received = ring.onEveryRank(c -> c.broadcast(c.rank() == 2 ? payload : new byte[0], 2));
      List<byte[]> empty = ring.onEveryRank(c -> c.broadcast(new byte[0], 1));
      for (int r = 0; r < world; r++) {
        assertArrayEquals(payload, received.get(r), "rank " + r);
        assertEquals(0, empty.get(r).length);
      }
    }
  }

  @Test
  void allGatherReturnsEveryRanksBytesByRankWithDifferentLengths() {
    int world = 5;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES))) {
      // rank r contributes r * 3000 bytes of value r: 0 bytes for rank 0, several segments for rank 4
      List<List<byte[]>> gathered = ring.onEveryRank(c -> {
        byte[] mine = new byte[c.rank() * 3000];
        java.util.Arrays.fill(mine, (byte) c.rank());
        return c.allGather(mine);
      });
      for (int r = 0; r < world; r++) {
        assertEquals(world, gathered.get(r).size());
        for (int from = 0; from < world; from++) {
          byte[] block = gathered.get(r).get(from);
          assertEquals(from * 3000, block.length, "rank " + r + " block of rank " + from);
          for (byte b : block) assertEquals((byte) from, b);
        }
      }
    }
  }

  @Test
  void noRankLeavesTheBarrierBeforeTheLastOneEntered() {
    int world = 6;
    try (LoopbackRing ring = LoopbackRing.start(world)) {
      List<long[]> times = ring.onEveryRank(c -> {
        try {
          Thread.sleep(40L * c.rank()); // ranks arrive staggered by 40 ms
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        long entered = System.nanoTime();
        c.barrier();
        return new long[] {entered, System.nanoTime()};
      });
      long lastEntry = times.stream().mapToLong(t -> t[0]).max().orElseThrow();
      for (int r = 0; r < world; r++) {
        assertTrue(times.get(r)[1] >= lastEntry, "rank " + r + " left the barrier before rank " + (world - 1) + " entered");
      }
    }
  }

  @Test
  void localCommunicatorIsAWorldOfOne() {
    try (Communicator local = new LocalCommunicator()) {
      float[] values = {1.5f, -2f};
      local.allReduce(values, ReduceOp.AVG);
      assertArrayEquals(new float[] {1.5f, -2f}, values);
      byte[] mine = {1, 2, 3};
      assertSame(mine, local.allGather(mine).get(0));
      assertThrows(IllegalArgumentException.class, () -> local.broadcast(values, 1));
      local.barrier();
      assertEquals(1, local.worldSize());
    }
  }
}
