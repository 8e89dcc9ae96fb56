package io.ringtrain.allreduce.ring;

import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.transport.DataFrame;

/**
 * Latency-optimal all-reduce for small buffers (one frame each): ⌈log2 W⌉ exchange rounds
 * instead of the ring's 2(W−1).
 *
 * <p>With p the largest power of two ≤ W and rem = W − p, the first 2·rem ranks pair up: each
 * even rank r sends its buffer to r+1 and sits out. The p remaining ranks (new rank r/2 for the
 * odd ones, r − rem above 2·rem) run recursive doubling: in round k each exchanges its whole
 * buffer with new rank (new XOR 2^k) and combines. The odd ranks finally send the result back.
 *
 * <p>Identical results: after each round both partners hold op(a, b) computed from the same two
 * operands, and IEEE addition, max and min are commutative, so they hold identical bits; by
 * induction all p ranks do, and the ranks that sat out receive a copy. AVG divides once at the
 * end, the same division on the same bits everywhere. A buffer sent in a narrower type (bfloat16)
 * rounds what it sends in place, so partners still combine the same two operands, and rounds the
 * final result, so the ranks that get it by fan-out hold the same bits.
 */
public final class RecursiveDoublingAllReduce {
  private RecursiveDoublingAllReduce() {}

  public static void run(CollectiveRun run, ElementBuffer buffer, ReduceOp op) {
    int world = run.worldSize();
    int rank = run.rank();
    int n = buffer.length();
    long bytes = (long) n * buffer.type().width();
    int p = Integer.highestOneBit(world);
    int rem = world - p;
    int rounds = Integer.numberOfTrailingZeros(p);
    int finalStep = rounds + 1;
    if (rank < 2 * rem) {
      run.enterStep("fold-in", 0);
      if (rank % 2 == 0) {
        run.send(rank + 1, 0, 0, buffer.encode(run, 0, n));
        run.enterStep("fan-out", finalStep);
        receiveInto(run, buffer, rank + 1, finalStep, bytes, null);
        return;
      }
      receiveInto(run, buffer, rank - 1, 0, bytes, op);
    }
    int newRank = rank < 2 * rem ? rank / 2 : rank - rem;
    for (int k = 0; k < rounds; k++) {
      run.enterStep("recursive-doubling", k + 1);
      int partnerNew = newRank ^ (1 << k);
      int partner = partnerNew < rem ? partnerNew * 2 + 1 : partnerNew + rem;
      run.send(partner, k + 1, 0, buffer.encode(run, 0, n));
      receiveInto(run, buffer, partner, k + 1, bytes, op);
    }
    if (op == ReduceOp.AVG) buffer.divide(0, n, world);
    buffer.roundToWire(0, n); // the fanned-out copy is rounded to the wire; keep every rank's the same
    if (rank < 2 * rem) {
      run.enterStep("fan-out", finalStep);
      run.send(rank - 1, finalStep, 0, buffer.encode(run, 0, n));
    }
  }

  /** Combines (op != null) or copies (op == null) the partner's frame into the buffer. */
  private static void receiveInto(CollectiveRun run, ElementBuffer buffer, int peer, int step, long bytes, ReduceOp op) {
    DataFrame frame = run.receive(peer, step, 0, bytes);
    try {
      if (op != null) buffer.reduceFrom(frame.payload(), 0, buffer.length(), op);
      else buffer.copyFrom(frame.payload(), 0, buffer.length());
    } finally {
      frame.release();
    }
  }
}
