package io.ringtrain.allreduce;

import io.ringtrain.allreduce.reduce.BFloat16;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The communicator of a world of one: every collective returns at once without copying (AVG
 * divides by 1, which leaves every float unchanged; bfloat16 compression only rounds). {@link #allGather} returns the caller's own
 * array.
 */
public final class LocalCommunicator implements Communicator {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  @Override public int rank() { return 0; }
  @Override public int worldSize() { return 1; }
  @Override public void allReduce(float[] buf, ReduceOp op) {}
  @Override public void allReduce(double[] buf, ReduceOp op) {}
  @Override public void allReduce(FloatBuffer buf, ReduceOp op) {}
  @Override public void allReduce(DirectFloats buf, ReduceOp op) {}
  @Override public CompletableFuture<Void> allReduceAsync(DirectFloats buf, ReduceOp op) { return DONE; }
  @Override public CompletableFuture<Void> allReduceAsync(float[] buf, ReduceOp op) { return DONE; }
  @Override public CompletableFuture<Void> allReduceAsync(double[] buf, ReduceOp op) { return DONE; }

  /** Rounds to bfloat16 under {@link Compression#BF16}, so one replica trains as W do. */
  @Override
  public CompletableFuture<Void> allReduceAsync(float[] buf, ReduceOp op, Compression compression) {
    if (compression == Compression.BF16) for (int i = 0; i < buf.length; i++) buf[i] = BFloat16.round(buf[i]);
    return DONE;
  }

  @Override
  public void broadcast(float[] buf, int root) {
    checkRoot(root);
  }

  @Override
  public void broadcast(double[] buf, int root) {
    checkRoot(root);
  }

  @Override
  public byte[] broadcast(byte[] bytes, int root) {
    checkRoot(root);
    return bytes;
  }

  @Override
  public List<byte[]> allGather(byte[] mine) {
    return List.of(mine);
  }

  @Override public void barrier() {}
  @Override public void close() {}

  private static void checkRoot(int root) {
    if (root != 0) throw new IllegalArgumentException("broadcast root " + root + " is not a rank of a world of one (only rank 0)");
  }
}
