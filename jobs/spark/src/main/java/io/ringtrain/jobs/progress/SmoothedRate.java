package io.ringtrain.jobs.progress;

/**
 * A rate (units per second) as an exponential moving average over time intervals: each interval of
 * at least {@code minIntervalNanos} gives a rate r and moves the estimate by {@code smoothing} × (r −
 * estimate); the first interval sets it. Recent throughput thus counts most, and a slow start (JIT
 * warm-up, the first step's allocations) fades out instead of weighing on the estimate for the whole
 * run as an average from the start does. Observations closer than the minimum interval accumulate
 * into one interval, so bursts of lines arriving together give no absurd rates.
 */
final class SmoothedRate {
    private final double smoothing;
    private final long minIntervalNanos;
    private boolean started;
    private long intervalStartNanos;
    private double intervalStartCount;
    private double estimate = Double.NaN;

    SmoothedRate(double smoothing, long minIntervalNanos) {
        if (!(smoothing > 0 && smoothing <= 1)) throw new IllegalArgumentException("smoothing must be in (0, 1], got " + smoothing);
        this.smoothing = smoothing;
        this.minIntervalNanos = minIntervalNanos;
    }

    /** The running total {@code count} (e.g. samples so far) at time {@code nanos}. */
    void observe(long nanos, double count) {
        if (!started) {
            started = true;
            intervalStartNanos = nanos;
            intervalStartCount = count;
            return;
        }
        long elapsed = nanos - intervalStartNanos;
        if (elapsed < minIntervalNanos) return;
        double rate = (count - intervalStartCount) / (elapsed / 1e9);
        estimate = Double.isNaN(estimate) ? rate : estimate + smoothing * (rate - estimate);
        intervalStartNanos = nanos;
        intervalStartCount = count;
    }

    /** Units per second; NaN until the first interval is complete. */
    double perSecond() {
        return estimate;
    }
}
