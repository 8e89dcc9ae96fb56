package io.ringtrain.allreduce;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Collective operations among the W ranks of one ring; this object is rank {@link #rank()}.
 *
 * <p>Every rank must issue the same collectives in the same order, with the same op, element type
 * and element count (allGather and the byte broadcast excepted: their lengths may differ). A
 * mismatch fails every rank with a {@link CollectiveException} naming both sides. Results are
 * bitwise identical on every rank and from run to run for the same W and options.
 *
 * <p>Asynchronous variants return at once; several may be in flight and they complete in issue
 * order. The caller must not touch a buffer until its future completes. The blocking variants
 * are queued behind any collective still in flight.
 */
public interface Communicator extends AutoCloseable {
  int rank();

  int worldSize();

  /** Replaces {@code buf} on every rank with the element-wise {@code op} over all ranks. */
  void allReduce(float[] buf, ReduceOp op);

  void allReduce(double[] buf, ReduceOp op);

  /** As {@link #allReduce(float[], ReduceOp)} over {@code buf}'s position..limit (heap or direct). */
  void allReduce(FloatBuffer buf, ReduceOp op);

  /**
   * As {@link #allReduce(float[], ReduceOp)}; the ring sends from {@code buf}'s own memory
   * instead of copying each segment into a frame first.
   */
  void allReduce(DirectFloats buf, ReduceOp op);

  CompletableFuture<Void> allReduceAsync(float[] buf, ReduceOp op);

  CompletableFuture<Void> allReduceAsync(DirectFloats buf, ReduceOp op);

  CompletableFuture<Void> allReduceAsync(double[] buf, ReduceOp op);

  /**
   * As {@link #allReduceAsync(float[], ReduceOp)}, sent with {@code compression} on the wire
   * ({@link Compression#BF16}: half the bytes, result rounded to bfloat16 on every rank). Every
   * rank must pass the same compression.
   */
  CompletableFuture<Void> allReduceAsync(float[] buf, ReduceOp op, Compression compression);

  /** Copies {@code root}'s {@code buf} into every rank's {@code buf} (same length everywhere). */
  void broadcast(float[] buf, int root);

  void broadcast(double[] buf, int root);

  /**
   * Returns {@code root}'s bytes on every rank. The length need not be known in advance: ranks
   * other than root may pass any array (for example {@code new byte[0]}); it is ignored.
   */
  byte[] broadcast(byte[] bytes, int root);

  /** Returns every rank's bytes, indexed by rank; lengths may differ between ranks. */
  List<byte[]> allGather(byte[] mine);

  /** Returns once every rank has entered the barrier. */
  void barrier();

  /**
   * Total time callers have spent inside this communicator's blocking collectives, waiting for
   * peers included, in nanoseconds since it was built; a caller subtracts it from a step's wall
   * time to get the time it computed. 0 where not measured.
   */
  default long blockedNanos() {
    return 0;
  }

  /**
   * Total time this rank's outbound connections held bytes handed to the network but not yet
   * written to their sockets (the socket took no more: the link, or the peer reading from it, was
   * slower than the collectives produced data), summed over connections, in nanoseconds since it
   * was built, the stall running now included. A rank behind a slow link stalls here while the
   * others wait for its data instead, so the largest stall names the slow link (a straggler report
   * subtracts one step's reading from the next). 0 where not measured.
   */
  default long sendStallNanos() {
    return 0;
  }

  /** Closes the connections; collectives still queued fail. Idempotent. */
  @Override
  void close();
}
