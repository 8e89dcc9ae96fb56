package io.ringtrain.trainer.loop;

import java.util.List;

/**
 * Finds a straggler: a rank that makes every step slower by more than {@code margin} (0.2: 20%) of
 * the median rank's compute time, on {@code steps} consecutive steps, for the same cause:
 * <ul>
 *   <li>{@link TrainingListener.Cause#COMPUTE}: its compute time per step (see {@code
 *       DistributedReplica#computeMillisByRank}) exceeds the median rank's by the margin (a slower
 *       or busier machine);</li>
 *   <li>{@link TrainingListener.Cause#LINK}: its send stall per step (see {@code
 *       DistributedReplica#sendStallMillisByRank}) exceeds the median rank's by more than the
 *       margin times the median compute time (a slower link: in a ring every rank waits for it
 *       alike, so compute times do not show it, but only its own sends back up).</li>
 * </ul>
 * When both apply in a step, the one that costs more milliseconds over its median is reported.
 * One slow step (a GC pause, a checkpoint) is not a straggler. The rank is reported on every step
 * for as long as it stays slowest by the margin for that cause; the count starts again when another
 * rank or cause takes its place or the margin is not met.
 */
public final class StragglerWatch {
    /** Defaults of {@code --straggler-margin} and {@code --straggler-steps}. */
    public static final double DEFAULT_MARGIN = 0.2;
    public static final int DEFAULT_STEPS = 5;

    private final double margin;
    private final int steps;
    private int slowRank = -1;
    private TrainingListener.Cause slowCause;
    private int slowSteps;

    public StragglerWatch(double margin, int steps) {
        if (!(margin > 0) || !Double.isFinite(margin)) throw new IllegalArgumentException("straggler margin must be > 0 (0.2: 20% slower than the median rank), got " + margin);
        if (steps < 1) throw new IllegalArgumentException("straggler steps must be at least 1, got " + steps);
        this.margin = margin;
        this.steps = steps;
    }

    /** As {@link #observe(float[], float[], List)} with no send stalls measured. */
    public TrainingListener.Straggler observe(float[] computeMillis, List<String> hosts) {
        return observe(computeMillis, null, hosts);
    }

    /**
     * Takes one step's compute times and send stalls (indexed by rank; null when not measured) and
     * returns the straggler, or null. {@code hosts} name the ranks' hosts (null or shorter: unknown).
     */
    public TrainingListener.Straggler observe(float[] computeMillis, float[] sendStallMillis, List<String> hosts) {
        if (computeMillis == null || computeMillis.length < 2) return null;
        boolean stalls = sendStallMillis != null && sendStallMillis.length == computeMillis.length;
        double medianCompute = median(computeMillis);
        double medianStall = stalls ? median(sendStallMillis) : 0;
        int slowestCompute = largest(computeMillis);
        double computeExcess = computeMillis[slowestCompute] - medianCompute;
        boolean computeSlow = computeMillis[slowestCompute] > medianCompute * (1 + margin);
        int slowestLink = stalls ? largest(sendStallMillis) : -1;
        double linkExcess = stalls ? sendStallMillis[slowestLink] - medianStall : 0;
        boolean linkSlow = stalls && linkExcess > margin * medianCompute && linkExcess > 0;

        if (!computeSlow && !linkSlow) {
            slowRank = -1;
            slowCause = null;
            slowSteps = 0;
            return null;
        }
        boolean link = linkSlow && (!computeSlow || linkExcess > computeExcess);
        int rank = link ? slowestLink : slowestCompute;
        TrainingListener.Cause cause = link ? TrainingListener.Cause.LINK : TrainingListener.Cause.COMPUTE;
        slowSteps = rank == slowRank && cause == slowCause ? slowSteps + 1 : 1;
        slowRank = rank;
        slowCause = cause;
        if (slowSteps < steps) return null;
        String host = hosts != null && rank < hosts.size() ? hosts.get(rank) : null;
        return new TrainingListener.Straggler(rank, host, cause, computeMillis[rank], medianCompute,
                stalls ? sendStallMillis[rank] : Double.NaN, stalls ? medianStall : Double.NaN, slowSteps);
    }

    private static double median(float[] values) {
        float[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static int largest(float[] values) {
        int largest = 0;
        for (int r = 1; r < values.length; r++) if (values[r] > values[largest]) largest = r;
        return largest;
    }
}
