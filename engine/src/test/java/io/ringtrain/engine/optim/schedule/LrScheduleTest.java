package io.ringtrain.engine.optim.schedule;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Learning-rate sequences against torch.optim.lr_scheduler (fixture: tools/golden/optim.py records
 * the lr each optimizer step used). PyTorch computes StepLR and CosineAnnealingLR recursively and
 * we in closed form, and the fixture stores float32: a relative 3e-7 (a few float ulps) plus 1e-9
 * absolute (for lrs near 0) separates rounding from a wrong formula.
 */
class LrScheduleTest {
    private static final Golden G = Golden.load("optim_schedules");

    private static void assertSequence(String key, LrSchedule schedule) {
        float[] expected = G.get(key).toArray();
        for (int step = 0; step < expected.length; step++) {
            double lr = schedule.lrAt(step);
            if (!(Math.abs(lr - expected[step]) <= 1e-9 + 3e-7 * Math.abs(expected[step]))) {
                fail(key + ": lr at step " + step + " is " + lr + ", PyTorch used " + expected[step]);
            }
        }
    }

    @Test
    void stepLrHalvesEverySevenSteps() {
        assertSequence("step_lr", new StepLR(0.1, 7, 0.5));
    }

    @Test
    void cosineAnnealingMatchesPyTorchIncludingPastTMax() {
        assertSequence("cosine", new CosineAnnealingLR(0.1, 30, 0.001));
    }

    @Test
    void cosineAnnealingToZero() {
        assertSequence("cosine_to_zero", new CosineAnnealingLR(0.1, 30));
    }

    @Test
    void linearWarmupThenCosineMatchesLambdaLR() {
        // PyTorch: LambdaLR with s/5 for s < 5, then 0.5·(1 + cos(π·(s−5)/25)), over 30 steps
        assertSequence("warmup_cosine", new LinearWarmup(new CosineAnnealingLR(0.1, 25), 5));
    }

    @Test
    void cosineSteppedOncePerEpoch() {
        // PyTorch: CosineAnnealingLR(T_max=6) stepped after every 4th optimizer step
        assertSequence("cosine_per_epoch", new PerEpoch(new CosineAnnealingLR(0.1, 6), 4));
    }

    @Test
    void warmupFromAStartFactorRisesLinearlyToTheWrappedScheduleStart() {
        LrSchedule warm = new LinearWarmup(LrSchedule.constant(0.2), 4, 0.25);
        assertEquals(0.05, warm.lrAt(0), 1e-15);
        assertEquals(0.2 * (0.25 + 0.75 * 2 / 4.0), warm.lrAt(2), 1e-15);
        assertEquals(0.2, warm.lrAt(4), 1e-15);
    }

    @Test
    void schedulerSetsTheOptimizerLrAndResumesFromAPosition() {
        SGD sgd = new SGD(List.of(Tensor.zeros(3).requiresGrad(true)), 1.0);
        LrSchedule cosine = new CosineAnnealingLR(0.1, 10);
        LrScheduler scheduler = new LrScheduler(sgd, cosine);
        assertEquals(0.1, sgd.lr(), 0, "the constructor sets the lr of the first step");
        for (int i = 0; i < 4; i++) scheduler.step();
        assertEquals(cosine.lrAt(4), sgd.lr(), 0);

        SGD resumed = new SGD(List.of(Tensor.zeros(3).requiresGrad(true)), 1.0);
        LrScheduler restored = new LrScheduler(resumed, cosine);
        restored.loadState(scheduler.state());
        assertEquals(4, restored.position());
        assertEquals(sgd.lr(), resumed.lr(), 0, "a restored position gives the identical lr");
    }

    @Test
    void invalidSchedulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new StepLR(0.1, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new CosineAnnealingLR(0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(LrSchedule.constant(1), 3, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new PerEpoch(LrSchedule.constant(1), 0));
    }
}
