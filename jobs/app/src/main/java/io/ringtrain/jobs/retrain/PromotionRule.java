package io.ringtrain.jobs.retrain;

/**
 * When a candidate replaces the champion: holdout accuracy(candidate) − accuracy(champion) > margin,
 * both measured on the same holdout by the same code. With no champion, any candidate is promoted.
 * The margin keeps noise (a few holdout images either way) from flipping the champion every run.
 */
public record PromotionRule(double margin) {
    public PromotionRule {
        if (!(margin > -1 && margin < 1)) throw new IllegalArgumentException("margin " + margin + " is not an accuracy difference in (-1, 1)");
    }

    /** Accuracies are ratios k/n: a gain equal to the margin up to float rounding (1e-9) is not enough. */
    private static final double ROUNDING = 1e-9;

    public boolean promotes(double candidateAccuracy, Double championAccuracy) {
        return championAccuracy == null || candidateAccuracy - championAccuracy > margin + ROUNDING;
    }
}
