package io.ringtrain.trainer.loop;

import java.util.Arrays;

/**
 * Finds a straggler: the rank whose compute time per step (see {@code
 * DistributedReplica#computeMillisByRank}) exceeds the median rank's by more than {@code margin}
 * (0.2: 20% slower) on {@code steps} consecutive steps. One slow step (a GC pause, a checkpoint) is
 * not a straggler; a rank on a slower or busier machine is. The rank is reported on every step for
 * as long as it stays slowest by the margin; the count starts again when another rank is slowest
 * or the margin is not met.
 */
public final class StragglerWatch {
    /** Defaults of {@code --straggler-margin} and {@code --straggler-steps}. */
    public static final double DEFAULT_MARGIN = 0.2;
    public static final int DEFAULT_STEPS = 5;

    private final double margin;
    private final int steps;
    private int slowRank = -1;
    private int slowSteps;

    public StragglerWatch(double margin, int steps) {
        if (!(margin > 0) || !Double.isFinite(margin)) throw new IllegalArgumentException("straggler margin must be > 0 (0.2: 20% slower than the median rank), got " + margin);
        if (steps < 1) throw new IllegalArgumentException("straggler steps must be at least 1, got " + steps);
        this.margin = margin;
        this.steps = steps;
    }

    /**
     * Takes one step's compute times (indexed by rank; null when not measured) and returns the
     * straggler, or null. {@code hosts} name the ranks' hosts (null or shorter: unknown).
     */
    public TrainingListener.Straggler observe(float[] computeMillis, java.util.List<String> hosts) {
        if (computeMillis == null || computeMillis.length < 2) return null;
        float[] sorted = computeMillis.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        int slowest = 0;
        for (int r = 1; r < n; r++) if (computeMillis[r] > computeMillis[slowest]) slowest = r;
        if (computeMillis[slowest] <= median * (1 + margin)) {
            slowRank = -1;
            slowSteps = 0;
            return null;
        }
        slowSteps = slowest == slowRank ? slowSteps + 1 : 1;
        slowRank = slowest;
        if (slowSteps < steps) return null;
        String host = hosts != null && slowest < hosts.size() ? hosts.get(slowest) : null;
        return new TrainingListener.Straggler(slowest, host, computeMillis[slowest], median, slowSteps);
    }
}
