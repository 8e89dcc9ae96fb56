package io.ringtrain.jobs.retrain;

import io.ringtrain.jobs.train.TrainJobConfig;

/**
 * Settings of one retraining run. The training settings ({@link #train}) are those of
 * {@code ringtrain train}; the job fills in their data, format, run folder, warm start and
 * normalisation.
 */
public class RetrainConfig {
    /** Parquet dataset partitioned by day: {@code dataset/date=YYYY-MM-DD/*.parquet}, columns image (PNG/JPEG bytes) and label. */
    public String dataset;
    /** Fixed holdout (Parquet, same columns) on which candidate and champion are compared. */
    public String holdout;
    /** Model registry folder: local path or Hadoop URI. */
    public String registry;
    /** new-since-last or window:K (days). */
    public String policy = RetrainPolicy.NEW_SINCE_LAST;
    /**
     * The candidate is promoted when holdout accuracy(candidate) − accuracy(champion) > margin
     * (absolute, e.g. 0.005 = half a percentage point). A negative margin accepts a slightly worse model.
     */
    public double margin = 0.005;
    /** Start from the champion's weights (and its normalisation) when there is one; else from scratch. */
    public boolean warmStart = true;
    public TrainJobConfig train = new TrainJobConfig();

    public void validate() {
        if (dataset == null || dataset.isBlank()) throw new IllegalArgumentException("retrain needs --dataset (a Parquet folder with date=YYYY-MM-DD partitions)");
        if (holdout == null || holdout.isBlank()) throw new IllegalArgumentException("retrain needs --holdout (a fixed Parquet evaluation set)");
        if (registry == null || registry.isBlank()) throw new IllegalArgumentException("retrain needs --registry (the model registry folder)");
        new PromotionRule(margin);
        RetrainPolicy.parse(policy);
    }
}
