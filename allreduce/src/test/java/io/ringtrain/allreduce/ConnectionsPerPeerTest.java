package io.ringtrain.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Several connections per neighbour ({@link CommunicatorConfig.Builder#optConnectionsPerPeer}):
 * the results must be bitwise those of one connection. Inputs are random floats of mixed
 * magnitudes, so that any change in which rank reduces an element, or in what order, changes
 * low bits. Segments are 8 KiB, so the large length crosses many segments (spread over every
 * connection) and the short ones leave some connections without a frame in a step.
 */
class ConnectionsPerPeerTest {
  private static final int SEGMENT_BYTES = 8 << 10;
  /** Ring lengths: one element per rank and less, a chunk of one segment, and many segments per chunk. */
  private static final int[] LENGTHS = {1, 2, 3 * SEGMENT_BYTES / Float.BYTES, 100_003};

  private static float[] randomInputs(int rank, int n) {
    Random random = new Random(1000L * rank + n);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
    return values;
  }

  /** Every rank's results of a float[] SUM, a DirectFloats AVG and a bf16 SUM per length, on {@code connections} per peer. */
  private static List<List<float[]>> allReduceResults(int world, int connections) {
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES).optSmallBufferBytes(0).optConnectionsPerPeer(connections))) {
      return ring.onEveryRank(c -> {
        List<float[]> results = new ArrayList<>();
        for (int n : LENGTHS) {
          float[] heap = randomInputs(c.rank(), n);
          c.allReduce(heap, ReduceOp.SUM);
          results.add(heap);
          DirectFloats direct = DirectFloats.allocate(n);
          direct.floats().put(0, randomInputs(c.rank(), n));
          c.allReduce(direct, ReduceOp.AVG);
          results.add(RingAllReduceTest.toArray(direct));
          float[] compressed = randomInputs(c.rank(), n);
          c.allReduceAsync(compressed, ReduceOp.SUM, Compression.BF16).join();
          results.add(compressed);
        }
        return results;
      });
    }
  }

  @ParameterizedTest(name = "W={0}")
  @ValueSource(ints = {2, 3})
  void resultsAreBitwiseThoseOfOneConnection(int world) {
    List<List<float[]>> one = allReduceResults(world, 1);
    for (int connections : new int[] {2, 3}) {
      List<List<float[]>> several = allReduceResults(world, connections);
      for (int r = 0; r < world; r++) {
        for (int i = 0; i < one.get(r).size(); i++) {
          // assertArrayEquals on float[] compares floatToIntBits: bitwise
          assertArrayEquals(one.get(r).get(i), several.get(r).get(i), "K=" + connections + " rank " + r + " result " + i);
        }
      }
    }
  }

  @Test
  void broadcastAllGatherAndBarrierWorkOverSeveralConnections() {
    int world = 3;
    try (LoopbackRing ring = LoopbackRing.start(world, b -> b.optSegmentBytes(SEGMENT_BYTES).optConnectionsPerPeer(2))) {
      int n = 10 * SEGMENT_BYTES / Float.BYTES + 5; // a broadcast of several segments
      List<Object[]> results = ring.onEveryRank(c -> {
        float[] weights = c.rank() == 1 ? randomInputs(1, n) : new float[n];
        c.broadcast(weights, 1);
        List<byte[]> gathered = c.allGather(new byte[] {(byte) c.rank(), 42});
        c.barrier();
        return new Object[] {weights, gathered};
      });
      for (int r = 0; r < world; r++) {
        assertArrayEquals(randomInputs(1, n), (float[]) results.get(r)[0], "broadcast on rank " + r);
        @SuppressWarnings("unchecked")
        List<byte[]> gathered = (List<byte[]>) results.get(r)[1];
        for (int from = 0; from < world; from++) assertArrayEquals(new byte[] {(byte) from, 42}, gathered.get(from), "allGather on rank " + r);
      }
    }
  }

  @Test
  void everyPairOfRanksHoldsKDistinctOpenConnections() {
    try (LoopbackRing ring = LoopbackRing.start(3, b -> b.optConnectionsPerPeer(3))) {
      for (int r = 0; r < 3; r++) {
        for (int peer = 0; peer < 3; peer++) {
          if (peer == r) continue;
          List<Channel> channels = new ArrayList<>();
          for (int c = 0; c < 3; c++) channels.add(ring.rank(r).channelTo(peer, c));
          for (Channel channel : channels) assertTrue(channel != null && channel.isActive(), "rank " + r + " to " + peer + ": " + channels);
          assertNotSame(channels.get(0), channels.get(1));
          assertNotSame(channels.get(1), channels.get(2));
        }
      }
    }
  }

  @Test
  void ranksWithDifferentConnectionCountsAreRefusedNamingBoth() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    List<RingServer> servers = List.of(RingServer.bind(loopback, 0, 1, LoopbackRing.HANDSHAKE_TIMEOUT), RingServer.bind(loopback, 0, 1, LoopbackRing.HANDSHAKE_TIMEOUT));
    List<String> peers = servers.stream().map(s -> loopback.getHostAddress() + ":" + s.boundPort()).toList();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<RingCommunicator>> connecting = new ArrayList<>();
      // Rank 0 only listens, so its connect ends at its timeout, with the message that names
      // connectionsPerPeer. Rank 1 dials it, is refused, retries until its own timeout, and names
      // the refusal: rank 0 listens longer, so that rank 1 is answered at least once however late a
      // loaded machine starts its thread.
      for (int rank = 0; rank < 2; rank++) {
        CommunicatorConfig config = CommunicatorConfig.builder().setPeers(peers).setRank(rank).setSecret(LoopbackRing.SECRET)
            .optConnectTimeout(Duration.ofSeconds(rank == 0 ? 6 : 2)).optConnectionsPerPeer(rank == 0 ? 2 : 1).build();
        RingServer server = servers.get(rank);
        connecting.add(threads.submit(() -> RingCommunicator.connect(server, config)));
      }
      ExecutionException dialler = assertThrows(ExecutionException.class, () -> connecting.get(1).get());
      assertTrue(dialler.getCause().getMessage().contains("rank 1 opens 1 connections per peer but rank 0 expects 2"), dialler.getCause().getMessage());
      ExecutionException listener = assertThrows(ExecutionException.class, () -> connecting.get(0).get());
      assertTrue(listener.getCause().getMessage().contains("connectionsPerPeer"), listener.getCause().getMessage());
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aConnectionCountOutsideTheRangeIsRefusedAtBuild() {
    CommunicatorConfig.Builder builder = CommunicatorConfig.builder().setPeers(List.of("127.0.0.1:1")).setRank(0).setSecret(LoopbackRing.SECRET);
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> builder.optConnectionsPerPeer(0).build());
    assertEquals("connectionsPerPeer 0 is outside 1.." + CommunicatorConfig.Builder.MAX_CONNECTIONS_PER_PEER, zero.getMessage());
  }
}
