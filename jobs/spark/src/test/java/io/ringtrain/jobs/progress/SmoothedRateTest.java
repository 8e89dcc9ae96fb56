package io.ringtrain.jobs.progress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmoothedRateTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void unknownUntilTheFirstIntervalThenSeededByIt() {
        SmoothedRate r = new SmoothedRate(0.1, SECOND);
        assertTrue(Double.isNaN(r.perSecond()));
        r.observe(0, 100);
        assertTrue(Double.isNaN(r.perSecond()), "one observation is no interval");
        r.observe(2 * SECOND, 300);
        assertEquals(100, r.perSecond(), 1e-9);
    }

    @Test
    void eachLaterIntervalMovesTheEstimateByTheSmoothingShare() {
        SmoothedRate r = new SmoothedRate(0.1, SECOND);
        r.observe(0, 0);
        r.observe(SECOND, 100);  // 100/s seeds
        r.observe(2 * SECOND, 150); // 50/s: 100 + 0.1 × (50 − 100)
        assertEquals(95, r.perSecond(), 1e-9);
        r.observe(3 * SECOND, 350); // 200/s: 95 + 0.1 × 105
        assertEquals(105.5, r.perSecond(), 1e-9);
    }

    @Test
    void aSlowStartFadesInsteadOfWeighingOnTheWholeRun() {
        SmoothedRate r = new SmoothedRate(0.1, SECOND);
        long t = 0;
        double count = 0;
        r.observe(t, count);
        t += 30 * SECOND; // the first interval: 10 samples in 30 s (warm-up)
        count += 10;
        r.observe(t, count);
        for (int i = 0; i < 60; i++) { // then a steady 1000/s
            t += SECOND;
            count += 1000;
            r.observe(t, count);
        }
        // an average from the start would still say (10 + 60,000) / 90 s ≈ 667/s
        assertTrue(r.perSecond() > 997 && r.perSecond() < 1000, "smoothed " + r.perSecond());
    }

    @Test
    void observationsCloserThanTheMinimumIntervalAccumulateIntoOne() {
        SmoothedRate r = new SmoothedRate(0.1, SECOND);
        r.observe(0, 0);
        r.observe(1, 64); // a burst of lines arriving together: no 64-per-nanosecond rate
        r.observe(2, 128);
        assertTrue(Double.isNaN(r.perSecond()));
        r.observe(SECOND, 192);
        assertEquals(192, r.perSecond(), 1e-9);
    }

    @Test
    void smoothingOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SmoothedRate(0, SECOND));
        assertThrows(IllegalArgumentException.class, () -> new SmoothedRate(1.5, SECOND));
    }
}
