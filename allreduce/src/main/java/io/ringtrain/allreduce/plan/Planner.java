package io.ringtrain.allreduce.plan;

/**
 * Predicts a data-parallel step from a {@link CostModel}: the gradient buckets' all-reduces (the
 * trainer's: a first bucket of 1 MiB, then buckets of the cap, issued one after another), how much
 * of them backward hides, and the settings the model recommends.
 *
 * <p>Overlap: the buckets hide behind backward, taken as {@value #BACKWARD_SHARE_PERCENT}% of a
 * step's compute; of the all-reduce time that fits there {@value #HIDDEN_PERCENT}% is hidden (what
 * docs/trainer.md's dp-step measures at W = 2), and what does not fit is exposed whole.
 */
public final class Planner {
  static final int BACKWARD_SHARE_PERCENT = 67;
  static final int HIDDEN_PERCENT = 98;
  /** ReplicaOptions.DEFAULTS: DDP's bucket caps. */
  public static final long DEFAULT_BUCKET_BYTES = 25L << 20;
  public static final long FIRST_BUCKET_BYTES = 1L << 20;
  /** A bucket's or segment's fixed message cost may be at most this share of its transfer time. */
  static final double LATENCY_SHARE = 0.1;
  static final long MAX_SEGMENT_BYTES = 4L << 20;
  static final long MAX_BUCKET_BYTES = 1L << 30;

  /**
   * What {@code ringtrain-plan} prints: per step, with the default settings, and the recommended
   * settings with the all-reduce time and efficiency they give.
   */
  public record Plan(int world, LinkRate link, long gradientBytes, double computeSeconds,
      double allReduceSeconds, double stepSeconds, double scalingEfficiency,
      long bucketBytes, long segmentBytes, long smallBufferBytes,
      double recommendedAllReduceSeconds, double recommendedStepSeconds, double recommendedScalingEfficiency) {}

  private final CostModel model;

  public Planner(CostModel model) {
    this.model = model;
  }

  public Plan plan(int world, LinkRate link, long gradientBytes, double computeSeconds) {
    if (world < 1) throw new IllegalArgumentException("--workers " + world + " must be at least 1");
    if (gradientBytes < 1) throw new IllegalArgumentException("the gradient has " + gradientBytes + " bytes: give at least one parameter");
    if (!(computeSeconds > 0) || Double.isInfinite(computeSeconds)) {
      throw new IllegalArgumentException("--step-ms " + computeSeconds * 1e3 + " must be a positive number of milliseconds");
    }
    double comm = stepAllReduceSeconds(world, link, gradientBytes, DEFAULT_BUCKET_BYTES, CostModel.DEFAULT_SMALL_BUFFER_BYTES);
    long segment = segmentBytes(link);
    long small = world <= 1 ? CostModel.DEFAULT_SMALL_BUFFER_BYTES : Math.min(model.crossoverBytes(world, link), segment);
    long bucket = bucketBytes(world, link, gradientBytes);
    double recommended = stepAllReduceSeconds(world, link, gradientBytes, bucket, small);
    double step = computeSeconds + exposedSeconds(comm, computeSeconds);
    double recommendedStep = computeSeconds + exposedSeconds(recommended, computeSeconds);
    return new Plan(world, link, gradientBytes, computeSeconds, comm, step, computeSeconds / step,
        bucket, segment, small, recommended, recommendedStep, computeSeconds / recommendedStep);
  }

  /** The all-reduces of one step's buckets, one after another, as the trainer issues them. */
  double stepAllReduceSeconds(int world, LinkRate link, long gradientBytes, long bucketCap, long smallBufferBytes) {
    double total = 0;
    long left = gradientBytes;
    long cap = Math.min(FIRST_BUCKET_BYTES, bucketCap);
    while (left > 0) {
      long bucket = Math.min(cap, left);
      total += model.allReduceSeconds(world, bucket, link, smallBufferBytes, 1);
      left -= bucket;
      cap = bucketCap;
    }
    return total;
  }

  static double exposedSeconds(double allReduceSeconds, double computeSeconds) {
    double backward = computeSeconds * BACKWARD_SHARE_PERCENT / 100.0;
    return Math.max(allReduceSeconds * (100 - HIDDEN_PERCENT) / 100.0, allReduceSeconds - backward);
  }

  /**
   * The smallest power of two from the default (512 KiB, the best measured on loopback) up to
   * 4 MiB whose transfer time makes one message's cost at most a tenth of it.
   */
  long segmentBytes(LinkRate link) {
    long segment = CostModel.DEFAULT_SEGMENT_BYTES;
    double needed = model.alphaSeconds() / (LATENCY_SHARE * model.perByteSeconds(link, 1));
    while (segment < needed && segment < MAX_SEGMENT_BYTES) segment <<= 1;
    return segment;
  }

  /**
   * The default 25 MiB, or where a bucket's 2(W−1) messages cost more than a tenth of its ring
   * transfer, the smallest power of two at which they do not; never more than the gradient needs
   * (one bucket) nor 1 GiB.
   */
  long bucketBytes(int world, LinkRate link, long gradientBytes) {
    if (world <= 1) return DEFAULT_BUCKET_BYTES;
    double latency = model.alphaSeconds() * 2 * (world - 1);
    double perByte = 2.0 * (world - 1) / world * model.perByteSeconds(link, 1) + (world - 1.0) / world * model.gammaSecondsPerByte();
    double needed = latency / (LATENCY_SHARE * perByte);
    long bucket = DEFAULT_BUCKET_BYTES;
    while (bucket < needed && bucket < MAX_BUCKET_BYTES) bucket = bucket == DEFAULT_BUCKET_BYTES ? 32L << 20 : bucket << 1;
    long wholeGradient = Math.max(DEFAULT_BUCKET_BYTES, (gradientBytes + (1L << 20) - 1) >>> 20 << 20);
    return Math.min(bucket, wholeGradient);
  }
}
