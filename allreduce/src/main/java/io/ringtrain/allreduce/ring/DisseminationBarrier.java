package io.ringtrain.allreduce.ring;

import io.netty.buffer.Unpooled;
import io.ringtrain.allreduce.transport.DataFrame;

/**
 * Barrier for any W in ⌈log2 W⌉ rounds: in round k rank r sends an empty frame to r + 2^k and
 * waits for one from r − 2^k (mod W). After round k a rank has heard, directly or not, from the
 * 2^(k+1) − 1 ranks before it, so after the last round from all of them.
 */
public final class DisseminationBarrier {
  private DisseminationBarrier() {}

  public static void run(CollectiveRun run) {
    int world = run.worldSize();
    int rank = run.rank();
    int round = 0;
    for (int distance = 1; distance < world; distance <<= 1, round++) {
      run.enterStep("barrier", round);
      run.send((rank + distance) % world, round, 0, Unpooled.EMPTY_BUFFER);
      DataFrame frame = run.receive(Math.floorMod(rank - distance, world), round, 0, 0);
      frame.release();
    }
  }
}
