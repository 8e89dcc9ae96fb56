package io.ringtrain.allreduce.plan;

/**
 * The α–β–γ cost of {@code RingCommunicator}'s algorithms, fitted by {@code tools/costmodel/fit.py}
 * to measured all-reduces (docs/collectives.md, "A cost model for sizes we cannot run", gives the fit
 * and every point's error). For W ranks and an n-byte buffer:
 *
 * <pre>
 * time = s·α·messages + linkBytes·(βlink + s·κ) + s·γ·reducedBytes
 *   segmented ring:     messages 2(W−1),  linkBytes 2(W−1)/W·n,  reduced (W−1)/W·n
 *   recursive doubling: messages log2 p + 2e, linkBytes that many times n, reduced (log2 p + e)·n
 *                       (p the largest power of two ≤ W, e = 1 when W &gt; p: fold-in and fan-out)
 *   binomial broadcast: ⌈log2 W⌉·(s·α + n·(βlink + s·κ)) (the root sends the whole buffer to each child)
 * </pre>
 *
 * α is one message on the critical path, κ the host's per-byte cost of TCP (both ends), γ the
 * per-byte reduction, βlink = 8 / (efficiency · rate) the link's per-byte time. s is the share of a
 * core each rank's CPU work gets: 1 with a host per rank (what predictions assume), W / cores when
 * ranks share a machine (how the points were measured).
 *
 * @param alphaSeconds        α, seconds per message on the critical path
 * @param kappaSecondsPerByte κ, the hosts' TCP cost per byte sent to a neighbour
 * @param gammaSecondsPerByte γ, the reduction's cost per byte combined
 * @param linkEfficiency      the share of a link's rate that carries payload
 */
public record CostModel(double alphaSeconds, double kappaSecondsPerByte, double gammaSecondsPerByte, double linkEfficiency) {
  /** The constants {@code tools/costmodel/fit.py} prints (its "Java:" line); refit and paste both together. */
  public static final CostModel FITTED = new CostModel(5.164519e-05, 3.642338e-10, 7.152557e-11, 1.032534);

  /** {@code CommunicatorConfig}'s defaults, the settings the fitted points ran with. */
  public static final long DEFAULT_SMALL_BUFFER_BYTES = 256 << 10;
  public static final long DEFAULT_SEGMENT_BYTES = 512 << 10;

  public CostModel {
    if (!(alphaSeconds >= 0 && kappaSecondsPerByte >= 0 && gammaSecondsPerByte >= 0 && linkEfficiency > 0)) {
      throw new IllegalArgumentException("cost model constants must be non-negative (efficiency positive): " + alphaSeconds + ", "
          + kappaSecondsPerByte + ", " + gammaSecondsPerByte + ", " + linkEfficiency);
    }
  }

  /** One all-reduce with a host per rank and the default recursive-doubling threshold. */
  public double allReduceSeconds(int world, long bytes, LinkRate link) {
    return allReduceSeconds(world, bytes, link, DEFAULT_SMALL_BUFFER_BYTES, 1);
  }

  /** One all-reduce as {@code RingCommunicator} runs it: recursive doubling up to {@code smallBufferBytes}, the ring above. */
  public double allReduceSeconds(int world, long bytes, LinkRate link, long smallBufferBytes, double cpuShare) {
    if (world <= 1) return 0;
    return bytes <= smallBufferBytes ? recursiveDoublingSeconds(world, bytes, link, cpuShare) : ringSeconds(world, bytes, link, cpuShare);
  }

  public double ringSeconds(int world, long bytes, LinkRate link, double cpuShare) {
    double share = (world - 1) / (double) world;
    return cpuShare * alphaSeconds * 2 * (world - 1) + 2 * share * bytes * perByteSeconds(link, cpuShare)
        + cpuShare * gammaSecondsPerByte * share * bytes;
  }

  public double recursiveDoublingSeconds(int world, long bytes, LinkRate link, double cpuShare) {
    int log2p = 31 - Integer.numberOfLeadingZeros(world);
    int extra = Integer.bitCount(world) == 1 ? 0 : 1;
    int rounds = log2p + 2 * extra;
    return cpuShare * alphaSeconds * rounds + (double) rounds * bytes * perByteSeconds(link, cpuShare)
        + cpuShare * gammaSecondsPerByte * (log2p + extra) * bytes;
  }

  public double broadcastSeconds(int world, long bytes, LinkRate link) {
    int hops = 32 - Integer.numberOfLeadingZeros(world - 1);   // ⌈log2 W⌉
    return hops * (alphaSeconds + bytes * perByteSeconds(link, 1));
  }

  /** The largest power-of-two buffer (up to 1 GiB) at which recursive doubling is no slower than the ring, or 0. */
  public long crossoverBytes(int world, LinkRate link) {
    long best = 0;
    for (long n = 1; n <= (1L << 30); n <<= 1) {
      if (recursiveDoublingSeconds(world, n, link, 1) <= ringSeconds(world, n, link, 1)) best = n;
    }
    return best;
  }

  /** Time a byte sent to a neighbour costs: the link's and the two hosts' TCP work, in series. */
  public double perByteSeconds(LinkRate link, double cpuShare) {
    return link.secondsPerByte(linkEfficiency) + cpuShare * kappaSecondsPerByte;
  }
}
