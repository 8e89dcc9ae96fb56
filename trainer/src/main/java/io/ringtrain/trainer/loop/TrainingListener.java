package io.ringtrain.trainer.loop;

/** Receives progress from rank 0's training loop (other ranks report nothing). Every method is optional. */
public interface TrainingListener {
    default void onStep(StepReport report) {}

    default void onEpochEnd(EpochReport report) {}

    default void onCheckpoint(long globalStep, String location) {}

    /**
     * Before the first step of a run that continues an earlier one (a retry or a rerun): the
     * training state was restored at {@code globalStep}, so the next step is {@code globalStep + 1}.
     * {@code how}: from what (a durable checkpoint, or a replica's in-memory snapshot and which
     * rank sent it), as one line. Not called for a run that starts at step 0.
     */
    default void onResume(long globalStep, String how) {}

    /**
     * One optimizer step. {@code loss} is rank 0's local mean loss of the step (cheap: no extra
     * collective); {@code samples} is the step's global batch (every rank's samples), which lets a
     * listener measure throughput over its own window; {@code samplesPerSecond} is the average since
     * this run (or resume) started and counts every rank's samples. {@code straggler}: the rank that
     * has been slowest by the configured margin for the configured number of steps, or null.
     */
    record StepReport(int epoch, int epochs, int step, int stepsPerEpoch, long globalStep, long totalSteps,
                      double loss, double lr, long samples, double samplesPerSecond, double etaSeconds, Straggler straggler) {
        /** A step with no straggler. */
        public StepReport(int epoch, int epochs, int step, int stepsPerEpoch, long globalStep, long totalSteps,
                          double loss, double lr, long samples, double samplesPerSecond, double etaSeconds) {
            this(epoch, epochs, step, stepsPerEpoch, globalStep, totalSteps, loss, lr, samples, samplesPerSecond, etaSeconds, null);
        }
    }

    /**
     * A rank that slows every step (see {@link StragglerWatch}), and why: its compute time in the
     * last step and the median rank's, its send stall and the median rank's (NaN when not measured),
     * and for how many consecutive steps it has been slowest by the margin for this cause.
     * {@code host}: null when not known.
     */
    record Straggler(int rank, String host, Cause cause, double computeMillis, double medianMillis,
                     double sendStallMillis, double medianSendStallMillis, int steps) {}

    /** Why a straggler is slow: its compute, or its link (its sends stall on the network). */
    enum Cause {
        COMPUTE, LINK;

        /** {@code compute} or {@code link}, as in metrics.jsonl. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * End of an epoch: the training loss averaged over every sample of every rank, and evaluation if
     * run. {@code targetReached}: the evaluation reached the stop-at-accuracy target before the last
     * epoch, so training ends here.
     */
    record EpochReport(int epoch, int epochs, double trainLoss, long trainSamples, Double evalLoss, Double evalAccuracy,
                       double seconds, boolean targetReached) {
        /** What the consoles append to the line of an epoch whose evaluation reached the target. */
        public static final String TARGET_REACHED_NOTE = "  (stop-at-accuracy target reached: training stops here)";
    }
}
