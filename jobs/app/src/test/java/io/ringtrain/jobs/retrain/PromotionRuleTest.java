package io.ringtrain.jobs.retrain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromotionRuleTest {
    @Test
    void promotesOnlyWhenTheGainExceedsTheMargin() {
        PromotionRule rule = new PromotionRule(0.01);
        assertTrue(rule.promotes(0.82, 0.80));
        assertFalse(rule.promotes(0.81, 0.80), "a gain equal to the margin is not enough");
        assertFalse(rule.promotes(0.805, 0.80));
        assertFalse(rule.promotes(0.70, 0.80));
    }

    @Test
    void anyCandidateIsPromotedWhenThereIsNoChampion() {
        assertTrue(new PromotionRule(0.5).promotes(0.1, null));
    }

    @Test
    void aNegativeMarginToleratesASmallLoss() {
        assertTrue(new PromotionRule(-0.02).promotes(0.79, 0.80));
        assertFalse(new PromotionRule(-0.02).promotes(0.77, 0.80));
    }

    @Test
    void marginsOutsideTheAccuracyRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PromotionRule(1.5));
        assertThrows(IllegalArgumentException.class, () -> new PromotionRule(Double.NaN));
    }
}
