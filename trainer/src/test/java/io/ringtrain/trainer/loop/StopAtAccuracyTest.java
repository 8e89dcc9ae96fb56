package io.ringtrain.trainer.loop;

import io.ringtrain.allreduce.LocalCommunicator;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.SGD;
import io.ringtrain.engine.optim.schedule.CosineAnnealingLR;
import io.ringtrain.trainer.LocalRing;
import io.ringtrain.trainer.TinyTask;
import io.ringtrain.trainer.checkpoint.CheckpointStore;
import io.ringtrain.trainer.checkpoint.FileCheckpointStore;
import io.ringtrain.trainer.data.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Trainer.Builder#optStopAtAccuracy}: training ends at the first epoch end whose evaluation
 * reaches the target, with the weights the uninterrupted run has there (the schedule still spans
 * every epoch), and a rerun on its checkpoints trains nothing more unless the target is raised.
 * The targets come from an uninterrupted run's own accuracies, so the tests hold for any trajectory.
 */
class StopAtAccuracyTest {
    private static final Samples TRAIN = TinyTask.data(100, 5), TEST = TinyTask.data(60, 9);
    private static final int EPOCHS = 5, BATCH = 10; // 10 steps an epoch

    /** The uninterrupted run on 2 ranks: each epoch's test accuracy and the weights after it. */
    private record Trajectory(List<Double> accuracies, List<Map<String, float[]>> weights) {
        /** The first epoch (1-based) before the last whose accuracy exceeds every earlier one's: a target only it reaches first. */
        int firstRise() {
            for (int e = 1; e < accuracies.size() - 1; e++) {
                if (accuracies.get(e) > accuracies.subList(0, e).stream().mapToDouble(Double::doubleValue).max().orElseThrow()) return e + 1;
            }
            throw new AssertionError("the test accuracy never rose before the last epoch: " + accuracies);
        }
    }

    private static Trajectory uninterrupted() {
        List<Double> accuracies = new ArrayList<>();
        List<Map<String, float[]>> weights = new ArrayList<>();
        LocalRing.run(2, comm -> {
            Module model = TinyTask.model(comm);
            TrainingListener record = new TrainingListener() {
                @Override
                public void onEpochEnd(EpochReport r) {
                    accuracies.add(r.evalAccuracy());
                    weights.add(arrays(model));
                }
            };
            return fit(comm.rank() == 0 ? record : null, model, comm, null, null);
        });
        return new Trajectory(accuracies, weights);
    }

    @Test
    void trainingEndsAtTheFirstEpochThatReachesTheTargetWithTheUninterruptedRunsWeightsThere() {
        Trajectory straight = uninterrupted();
        int stopEpoch = straight.firstRise();
        double target = straight.accuracies().get(stopEpoch - 1);
        TwoRankFit stopped = fitOnTwoRanks(null, target);
        assertTrue(stopped.result().targetReached(), "accuracies " + straight.accuracies() + ", target " + target);
        assertEquals(stopEpoch, stopped.reports().size(), "epochs run, with accuracies " + straight.accuracies() + " and target " + target);
        assertEquals(stopEpoch * 10L, stopped.result().optimizerSteps());
        assertTrue(stopped.reports().get(stopEpoch - 1).targetReached(), "the last epoch's report says training stops");
        assertFalse(stopped.reports().subList(0, stopEpoch - 1).stream().anyMatch(TrainingListener.EpochReport::targetReached));
        assertEquals(target, stopped.result().finalEval().accuracy(), 0.0);
        assertSameWeights(straight.weights().get(stopEpoch - 1), stopped.weights());
    }

    @Test
    void aTargetNoEpochBeforeTheLastReachesRunsEveryEpoch() {
        Trajectory straight = uninterrupted();
        double target = Math.nextUp(straight.accuracies().subList(0, EPOCHS - 1).stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        assertTrue(target <= 1, "accuracies " + straight.accuracies());
        TwoRankFit full = fitOnTwoRanks(null, target);
        assertFalse(full.result().targetReached());
        assertEquals(EPOCHS * 10L, full.result().optimizerSteps());
        assertFalse(full.reports().stream().anyMatch(TrainingListener.EpochReport::targetReached), "the last epoch ends training anyway: " + full.reports());
    }

    @Test
    void aRerunOfARunThatReachedItsTargetTrainsNothingAndARaisedTargetContinuesTheUninterruptedRun(@TempDir Path dir) {
        Trajectory straight = uninterrupted();
        int stopEpoch = straight.firstRise();
        double target = straight.accuracies().get(stopEpoch - 1);
        FileCheckpointStore store = new FileCheckpointStore(dir, 2);
        fitOnTwoRanks(store, target);

        TwoRankFit rerun = fitOnTwoRanks(store, target);
        assertEquals(List.of(), rerun.reports(), "the restored state reaches the target: no epoch runs");
        assertTrue(rerun.result().targetReached());
        assertEquals(target, rerun.result().finalEval().accuracy(), 0.0, "the restored state is evaluated");
        assertSameWeights(straight.weights().get(stopEpoch - 1), rerun.weights());

        assertSameWeights(straight.weights().get(EPOCHS - 1), fitOnTwoRanks(store, null).weights());
    }

    @Test
    void aTargetOutsideTheUnitIntervalOrWithoutEvaluationSamplesIsRefused() {
        for (double bad : new double[] {0, -0.5, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> Trainer.builder().optStopAtAccuracy(bad), Double.toString(bad));
        }
        IllegalArgumentException e;
        try (LocalCommunicator comm = new LocalCommunicator()) {
            Trainer trainer = builder(TinyTask.model(comm), comm).optStopAtAccuracy(0.9).build();
            e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(TRAIN, null));
        }
        assertTrue(e.getMessage().contains("needs evaluation samples"), e.getMessage());
    }

    /** One fit on 2 ranks: rank 0's epoch reports and result, and the weights after it. */
    private record TwoRankFit(List<TrainingListener.EpochReport> reports, TrainingResult result, Map<String, float[]> weights) {}

    private static TwoRankFit fitOnTwoRanks(CheckpointStore store, Double target) {
        List<TrainingListener.EpochReport> reports = new ArrayList<>();
        List<TrainingResult> results = new ArrayList<>();
        Map<String, float[]> weights = LocalRing.run(2, comm -> {
            Module model = TinyTask.model(comm);
            TrainingResult r = fit(comm.rank() == 0 ? collect(reports) : null, model, comm, store, target);
            if (comm.rank() == 0) results.add(r);
            return arrays(model);
        }).get(0);
        return new TwoRankFit(reports, results.get(0), weights);
    }

    /** The model's state dict as copied arrays. */
    private static Map<String, float[]> arrays(Module model) {
        Map<String, float[]> copy = new HashMap<>();
        model.stateDict().forEach((name, t) -> copy.put(name, t.toArray().clone()));
        return copy;
    }

    private static void assertSameWeights(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, t) -> assertArrayEquals(t, actual.get(name), name));
    }

    private static TrainingResult fit(TrainingListener listener, Module model, io.ringtrain.allreduce.Communicator comm, CheckpointStore store, Double target) {
        Trainer.Builder b = builder(model, comm).optStopAtAccuracy(target);
        if (store != null) b.optCheckpoints(store);
        if (listener != null) b.optListener(listener);
        return b.build().fit(TRAIN, TEST);
    }

    private static Trainer.Builder builder(Module model, io.ringtrain.allreduce.Communicator comm) {
        SGD sgd = new SGD(model.parameters(), 0.05).momentum(0.9).weightDecay(1e-4);
        return Trainer.builder().setModel(model).setOptimizer(sgd).setSchedule(new CosineAnnealingLR(0.05, EPOCHS * 10L))
                .setObjective(TinyTask.CROSS_ENTROPY).setCommunicator(comm).setConfig(TrainerConfig.of(EPOCHS, BATCH / comm.worldSize(), 3));
    }

    private static TrainingListener collect(List<TrainingListener.EpochReport> into) {
        return new TrainingListener() {
            @Override
            public void onEpochEnd(EpochReport r) {
                into.add(r);
            }
        };
    }
}
