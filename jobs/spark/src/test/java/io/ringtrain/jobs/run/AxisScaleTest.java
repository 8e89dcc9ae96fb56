package io.ringtrain.jobs.run;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AxisScaleTest {
    @Test
    void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(1, AxisScale.niceStep(0.7), 1e-12);
        assertEquals(1, AxisScale.niceStep(1.0), 1e-12);
        assertEquals(2, AxisScale.niceStep(1.3), 1e-12);
        assertEquals(5, AxisScale.niceStep(2.1), 1e-12);
        assertEquals(10, AxisScale.niceStep(5.5), 1e-12);
        assertEquals(0.05, AxisScale.niceStep(0.047), 1e-12);
        assertEquals(500, AxisScale.niceStep(470), 1e-9);
    }

    @Test
    void theAxisRunsFromTheTickBelowTheDataToTheTickAboveIt() {
        AxisScale steps = AxisScale.of(1, 282, 7);
        assertEquals(new AxisScale(0, 300, 50), steps);
        assertEquals(List.of(0.0, 50.0, 100.0, 150.0, 200.0, 250.0, 300.0), steps.ticks());

        AxisScale loss = AxisScale.of(0.1434, 2.3946, 6);
        assertEquals(0.5, loss.step(), 1e-12);
        assertEquals(0, loss.min(), 1e-12);
        assertEquals(2.5, loss.max(), 1e-12);
        assertEquals(List.of("0.0", "0.5", "1.0", "1.5", "2.0", "2.5"), loss.ticks().stream().map(loss::label).toList());
    }

    @Test
    void boundsThatAreTicksUpToRoundingAddNoExtraTick() {
        AxisScale a = AxisScale.of(0.1 + 0.2, 0.7 + 0.1, 6); // 0.30000000000000004, 0.7999999999999999
        assertEquals(0.1, a.step(), 1e-12);
        assertEquals(List.of("0.3", "0.4", "0.5", "0.6", "0.7", "0.8"), a.ticks().stream().map(a::label).toList());
    }

    @Test
    void labelsCarryTheDecimalsTheStepNeedsAndNoNegativeZero() {
        AxisScale lr = AxisScale.of(0, 0.05, 6);
        assertEquals(0.01, lr.step(), 1e-12);
        assertEquals(List.of("0.00", "0.01", "0.02", "0.03", "0.04", "0.05"), lr.ticks().stream().map(lr::label).toList());
        AxisScale around = AxisScale.of(-0.3, 0.3, 4);
        assertEquals("0.0", around.label(around.ticks().get(around.ticks().size() / 2)));
        assertEquals("0.000002", AxisScale.of(0, 1e-5, 6).label(2e-6));
        assertEquals("2.00e-08", AxisScale.of(0, 1e-7, 6).label(2e-8));
    }

    @Test
    void aSingleValueGetsAnAxisAroundIt() {
        AxisScale one = AxisScale.of(86.5, 86.5, 6);
        assertEquals(true, one.min() < 86.5 && one.max() > 86.5, one.toString());
        AxisScale epoch = AxisScale.of(1, 1, 7);
        assertEquals(true, epoch.min() <= 0.9 && epoch.max() >= 1.1, epoch.toString());
        AxisScale zero = AxisScale.of(0, 0, 6);
        assertEquals(true, zero.min() < 0 && zero.max() > 0, zero.toString());
    }

    @Test
    void anEpochAxisHasOnlyWholeTicks() {
        assertEquals(new AxisScale(1, 3, 1), AxisScale.ofWholeNumbers(1, 3, 7));
        assertEquals(new AxisScale(0, 2, 1), AxisScale.ofWholeNumbers(1, 1, 7));
        assertEquals(new AxisScale(0, 40, 10), AxisScale.ofWholeNumbers(1, 40, 7));
    }

    @Test
    void anEmptyOrNonFiniteRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> AxisScale.of(2, 1, 6));
        assertThrows(IllegalArgumentException.class, () -> AxisScale.of(0, Double.NaN, 6));
    }
}
