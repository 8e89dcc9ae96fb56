package io.ringtrain.allreduce.process;

import io.ringtrain.allreduce.LoopbackRing;
import io.ringtrain.allreduce.ReduceOp;
import java.util.Arrays;
import java.util.List;

/**
 * Two ranks in this JVM all-reduce {@code args[0]} MiB of floats each; prints {@code OK} when every
 * element of both results is exact, {@code WRONG ...} otherwise. Run with a small
 * -XX:MaxDirectMemorySize by BoundedDirectMemoryIT.
 */
public final class BoundedMemoryMain {
  public static void main(String[] args) {
    int mib = Integer.parseInt(args[0]);
    int n = mib * (1 << 20) / Float.BYTES;
    try (LoopbackRing ring = LoopbackRing.start(2)) {
      List<String> verdicts = ring.onEveryRank(c -> {
        float[] buf = new float[n];
        Arrays.fill(buf, c.rank() + 1);
        c.allReduce(buf, ReduceOp.SUM);
        for (int i = 0; i < n; i++) if (buf[i] != 3f) return "WRONG rank " + c.rank() + " element " + i + " = " + buf[i];
        return "OK";
      });
      System.out.println(verdicts.stream().allMatch("OK"::equals) ? "OK" : verdicts.toString());
    }
  }
}
