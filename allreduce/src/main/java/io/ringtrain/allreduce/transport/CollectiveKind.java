package io.ringtrain.allreduce.transport;

/**
 * Which collective (and, for all-reduce, which algorithm) a frame belongs to. The algorithm is
 * part of the kind so that ranks configured with different thresholds fail with a clear mismatch
 * instead of waiting for frames that never come.
 */
public enum CollectiveKind {
  ALL_REDUCE_RING("allReduce", "ring"),
  ALL_REDUCE_RECURSIVE_DOUBLING("allReduce", "recursive doubling"),
  BROADCAST("broadcast", "binomial tree"),
  ALL_GATHER("allGather", "ring"),
  BARRIER("barrier", "dissemination");

  private final String operation;
  private final String algorithm;

  CollectiveKind(String operation, String algorithm) {
    this.operation = operation;
    this.algorithm = algorithm;
  }

  /** The API name of the collective, as a user wrote it: "allReduce", "broadcast"... */
  public String operation() {
    return operation;
  }

  public String algorithm() {
    return algorithm;
  }
}
