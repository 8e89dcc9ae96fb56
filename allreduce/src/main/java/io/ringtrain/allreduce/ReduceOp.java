package io.ringtrain.allreduce;

/**
 * How {@link Communicator#allReduce} combines the ranks' values, element by element.
 *
 * <p>AVG is SUM followed by one division by the world size W (not a multiplication by 1/W), so
 * {@code avg = fl(fl(sum) / W)}: the same single rounding a reader gets from summing and dividing.
 */
public enum ReduceOp {
  SUM,
  AVG,
  MAX,
  MIN
}
