package io.ringtrain.trainer.loop;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.SGD;
import io.ringtrain.engine.optim.schedule.CosineAnnealingLR;
import io.ringtrain.trainer.LocalRing;
import io.ringtrain.trainer.TinyTask;
import io.ringtrain.trainer.data.Samples;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rank repeatedly slower than the median rank by the margin is reported; one slow step is not. */
class StragglerWatchTest {
    private static final List<String> HOSTS = List.of("h0", "h1", "h2");

    @Test
    void aRankSlowestByTheMarginForKStepsIsReportedFromTheKthStepOn() {
        StragglerWatch watch = new StragglerWatch(0.2, 3);
        float[] rank2Slow = {100, 105, 130}; // median 105: rank 2 is 24% slower

        assertNull(watch.observe(rank2Slow, HOSTS));
        assertNull(watch.observe(rank2Slow, HOSTS));
        TrainingListener.Straggler third = watch.observe(rank2Slow, HOSTS);
        TrainingListener.Straggler fourth = watch.observe(rank2Slow, HOSTS);

        assertEquals(new TrainingListener.Straggler(2, "h2", TrainingListener.Cause.COMPUTE, 130, 105, Double.NaN, Double.NaN, 3), third);
        assertEquals(4, fourth.steps());
    }

    @Test
    void theCountStartsAgainWhenTheMarginIsNotMetOrAnotherRankIsSlowest() {
        StragglerWatch watch = new StragglerWatch(0.2, 2);
        assertNull(watch.observe(new float[] {100, 100, 130}, HOSTS));
        assertNull(watch.observe(new float[] {100, 100, 115}, HOSTS)); // 15%: within the margin
        assertNull(watch.observe(new float[] {100, 100, 130}, HOSTS));
        assertNull(watch.observe(new float[] {130, 100, 100}, HOSTS)); // another rank
        assertEquals(0, watch.observe(new float[] {130, 100, 100}, HOSTS).rank());
    }

    @Test
    void unmeasuredStepsAndASingleRankReportNothing() {
        StragglerWatch watch = new StragglerWatch(0.2, 1);
        assertNull(watch.observe(null, HOSTS));
        assertNull(watch.observe(new float[] {500}, HOSTS));
    }

    @Test
    void aRankWhoseSendsStallByTheMarginOfTheMedianComputeIsReportedAsALinkStraggler() {
        StragglerWatch watch = new StragglerWatch(0.2, 2);
        float[] computeAlike = {100, 101, 99}; // a slow link makes every rank wait alike: compute times do not show it
        float[] rank1Stalls = {2, 250, 3};

        assertNull(watch.observe(computeAlike, rank1Stalls, HOSTS));
        TrainingListener.Straggler second = watch.observe(computeAlike, rank1Stalls, HOSTS);

        assertEquals(new TrainingListener.Straggler(1, "h1", TrainingListener.Cause.LINK, 101, 100, 250, 3, 2), second);
    }

    @Test
    void sendStallsWithinTheMarginOfTheMedianComputeNameNoRank() {
        StragglerWatch watch = new StragglerWatch(0.2, 1);
        assertNull(watch.observe(new float[] {100, 100, 100}, new float[] {0, 19, 0}, HOSTS)); // 19 ms over the median: under 20% of 100 ms
        assertEquals(TrainingListener.Cause.LINK, watch.observe(new float[] {100, 100, 100}, new float[] {0, 21, 0}, HOSTS).cause());
    }

    @Test
    void whenComputeAndLinkBothExceedTheMarginTheLargerExcessIsTheCause() {
        StragglerWatch watch = new StragglerWatch(0.2, 1);
        TrainingListener.Straggler link = watch.observe(new float[] {130, 100, 100}, new float[] {0, 0, 80}, HOSTS);
        assertEquals(2, link.rank());
        assertEquals(TrainingListener.Cause.LINK, link.cause());
        TrainingListener.Straggler compute = watch.observe(new float[] {190, 100, 100}, new float[] {0, 0, 80}, HOSTS);
        assertEquals(0, compute.rank());
        assertEquals(TrainingListener.Cause.COMPUTE, compute.cause());
    }

    @Test
    void theCountStartsAgainWhenTheCauseChanges() {
        StragglerWatch watch = new StragglerWatch(0.2, 2);
        assertNull(watch.observe(new float[] {100, 100, 130}, new float[] {0, 0, 0}, HOSTS));
        assertNull(watch.observe(new float[] {100, 100, 100}, new float[] {0, 0, 80}, HOSTS)); // rank 2 again, now for its link
        assertEquals(TrainingListener.Cause.LINK, watch.observe(new float[] {100, 100, 100}, new float[] {0, 0, 80}, HOSTS).cause());
    }

    @Test
    void aMarginOrStepCountThatCannotWorkIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StragglerWatch(0, 5));
        assertThrows(IllegalArgumentException.class, () -> new StragglerWatch(0.2, 0));
    }

    /** A test hook: rank {@code slowRank}'s samples take {@code millis} longer per batch to load. */
    private static Samples slowOn(Samples data, int rank, int slowRank, long millis) {
        if (rank != slowRank) return data;
        return new Samples() {
            public int size() { return data.size(); }
            public int[] sampleShape() { return data.sampleShape(); }
            public float target(int index) { return data.target(index); }
            public void copySample(int index, int epoch, float[] dst, int offset) {
                if (offset == 0) {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                data.copySample(index, epoch, dst, offset);
            }
        };
    }

    @Test
    void aRankThatSleepsEveryStepIsReportedByRankZeroWithItsHost() {
        Samples data = TinyTask.data(72, 5); // 3 ranks × batch 8: 3 steps an epoch, 6 steps
        List<List<TrainingListener.StepReport>> reports = LocalRing.run(3, comm -> {
            List<TrainingListener.StepReport> steps = new ArrayList<>();
            Module model = TinyTask.model(comm);
            Trainer trainer = Trainer.builder().setModel(model).setOptimizer(new SGD(model.parameters(), 0.1))
                    .setSchedule(new CosineAnnealingLR(0.1, 6)).setObjective(TinyTask.CROSS_ENTROPY).setCommunicator(comm)
                    .setConfig(TrainerConfig.of(2, 8, 9)).optStragglerWatch(new StragglerWatch(0.2, 3)).optRankHosts(HOSTS)
                    .optListener(new TrainingListener() {
                        @Override
                        public void onStep(StepReport r) {
                            steps.add(r);
                        }
                    }).build();
            trainer.fit(slowOn(data, comm.rank(), 1, 150), null); // 150 ms against ~1 ms of compute a step
            return steps;
        });

        List<TrainingListener.StepReport> rankZero = reports.get(0);
        assertEquals(6, rankZero.size());
        for (TrainingListener.StepReport r : rankZero) {
            if (r.straggler() != null) assertEquals(1, r.straggler().rank(), r.toString());
        }
        TrainingListener.Straggler last = rankZero.get(5).straggler();
        assertTrue(last != null && last.steps() >= 3 && last.host().equals("h1"), "the last step names rank 1 on h1: " + last);
        assertTrue(last.computeMillis() >= 150, "its compute time counts the sleep: " + last);
        assertTrue(reports.get(1).isEmpty() && reports.get(2).isEmpty(), "only rank 0 reports");
    }
}
