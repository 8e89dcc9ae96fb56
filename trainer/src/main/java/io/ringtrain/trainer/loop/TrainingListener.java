package io.ringtrain.trainer.loop;

/** Receives progress from rank 0's training loop (other ranks report nothing). Every method is optional. */
public interface TrainingListener {
    default void onStep(StepReport report) {}

    default void onEpochEnd(EpochReport report) {}

    default void onCheckpoint(long globalStep, String location) {}

    /**
     * One optimizer step. {@code loss} is rank 0's local mean loss of the step (cheap: no extra
     * collective); {@code samples} is the step's global batch (every rank's samples), which lets a
     * listener measure throughput over its own window; {@code samplesPerSecond} is the average since
     * this run (or resume) started and counts every rank's samples.
     */
    record StepReport(int epoch, int epochs, int step, int stepsPerEpoch, long globalStep, long totalSteps,
                      double loss, double lr, long samples, double samplesPerSecond, double etaSeconds) {}

    /** End of an epoch: the training loss averaged over every sample of every rank, and evaluation if run. */
    record EpochReport(int epoch, int epochs, double trainLoss, long trainSamples, Double evalLoss, Double evalAccuracy,
                       double seconds) {}
}
