package io.ringtrain.trainer.loop;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.SGD;
import io.ringtrain.engine.optim.schedule.CosineAnnealingLR;
import io.ringtrain.trainer.LocalRing;
import io.ringtrain.trainer.TinyTask;
import io.ringtrain.trainer.checkpoint.FileCheckpointStore;
import io.ringtrain.trainer.checkpoint.Snapshot;
import io.ringtrain.trainer.checkpoint.SnapshotHolder;
import io.ringtrain.trainer.data.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A ring restarted after a crash continues from the in-memory snapshots of the step before it, not
 * from the older durable checkpoint, also when a rank lost its snapshot (a replacement executor)
 * and receives it over the ring, and ends with the uninterrupted run's weights bit for bit. A
 * snapshot of more replicas resumes on fewer when the global batch is the same (elastic shrinking).
 */
class SnapshotResumeTest {
    private static final Samples DATA = TinyTask.data(100, 5);
    private static final int EPOCHS = 3, BATCH = 10; // 10 steps an epoch; durable checkpoints every 4 steps

    /** One rank's snapshot slot, as an executor JVM's would be. */
    private static final class Slot implements SnapshotHolder {
        final AtomicReference<Snapshot> held = new AtomicReference<>();

        @Override
        public void keep(long step, Supplier<Snapshot> capture) {
            held.set(capture.get());
        }

        @Override
        public Optional<Snapshot> latest() {
            return Optional.ofNullable(held.get());
        }
    }

    @Test
    void aRankWithoutItsSnapshotGetsItOverTheRingAndTheRunEndsWithTheUninterruptedWeights(@TempDir Path dir) throws Exception {
        List<TrainingListener.EpochReport> straightEpochs = new ArrayList<>(), resumedEpochs = new ArrayList<>();
        Map<String, Tensor> straight = LocalRing.run(2, comm -> run(comm, null, null, comm.rank() == 0 ? epochs(straightEpochs) : null)).get(0);

        FileCheckpointStore store = new FileCheckpointStore(dir, 2);
        List<Slot> slots = List.of(new Slot(), new Slot());
        assertThrows(RuntimeException.class, () -> LocalRing.run(2, comm -> run(comm, store, slots.get(comm.rank()), comm.rank() == 0 ? crashAt(15) : null)));
        assertEquals(12, store.latestCursor().orElseThrow().globalStep(), "the durable checkpoint is older");
        // rank 0 fails in step 15's report, after every rank's gradients of step 15 were reduced:
        // rank 1, which needs no collective to keep a snapshot, keeps step 15
        assertEquals(15, slots.get(1).held.get().step(), "rank 1 kept step 15, the last before the crash");

        Slot replacement = new Slot(); // rank 0's executor was replaced: its snapshot is gone
        AtomicLong firstStep = new AtomicLong(-1);
        List<String> resumes = new ArrayList<>();
        Map<String, Tensor> resumed = LocalRing.run(2, comm -> run(comm, store, comm.rank() == 0 ? replacement : slots.get(1),
                comm.rank() == 0 ? both(firstStep(firstStep, resumes), epochs(resumedEpochs)) : null)).get(0);

        assertEquals(16, firstStep.get(), "continued at step 16: no step before the crash is redone");
        assertEquals(List.of("15: resuming from the in-memory snapshot at step 15, sent by rank 1 to rank(s) [0]"), resumes,
                "rank 0 reports, once and before the first step, the state it continued from");
        straight.forEach((name, t) -> assertArrayEquals(t.toArray(), resumed.get(name).toArray(), name));
        assertEquals(straightEpochs.get(1).trainSamples(), resumedEpochs.get(0).trainSamples(), "the resumed epoch's loss covers all its samples");
        assertEquals(straightEpochs.get(1).trainLoss(), resumedEpochs.get(0).trainLoss(), 1e-12);
    }

    @Test
    void aSnapshotOfAnEpochsLastStepReplaysTheEpochsEndAndContinues() {
        Map<String, Tensor> straight = LocalRing.run(2, comm -> run(comm, null, null, null)).get(0);
        List<Slot> slots = List.of(new Slot(), new Slot());
        // the crash comes in step 11's report: the snapshots hold step 10, the end of epoch 1, before its epoch report
        assertThrows(RuntimeException.class, () -> LocalRing.run(2, comm -> run(comm, null, slots.get(comm.rank()), comm.rank() == 0 ? crashAt(11) : null)));
        assertEquals(10, slots.get(0).held.get().step());
        Map<String, Tensor> resumed = LocalRing.run(2, comm -> run(comm, null, slots.get(comm.rank()), null)).get(0);
        straight.forEach((name, t) -> assertArrayEquals(t.toArray(), resumed.get(name).toArray(), name));
    }

    @Test
    void aSnapshotOfTwoReplicasResumesOnOneWithTheSameGlobalBatchAndEndsNearTheUninterruptedWeights() {
        Map<String, Tensor> straight = LocalRing.run(2, comm -> run(comm, null, null, null)).get(0);
        List<Slot> slots = List.of(new Slot(), new Slot());
        assertThrows(RuntimeException.class, () -> LocalRing.run(2, comm -> run(comm, null, slots.get(comm.rank()), comm.rank() == 0 ? crashAt(15) : null)));
        AtomicLong firstStep = new AtomicLong(-1);
        // the elastic shrink: one replica of 10 samples takes the global batches two of 5 took, in the same order
        Map<String, Tensor> shrunk = LocalRing.run(1, comm -> run(comm, null, slots.get(0), firstStep(firstStep))).get(0);
        assertEquals(15, firstStep.get(), "continued after the 2-replica snapshot of step 14");
        straight.forEach((name, t) -> assertClose(name, t.toArray(), shrunk.get(name).toArray())); // float32 sums in another order
    }

    @Test
    void aSnapshotTakenWithAnotherGlobalBatchIsNotResumed() {
        List<Slot> slots = List.of(new Slot(), new Slot());
        assertThrows(RuntimeException.class, () -> LocalRing.run(2, comm -> run(comm, null, slots.get(comm.rank()), comm.rank() == 0 ? crashAt(15) : null)));
        AtomicLong firstStep = new AtomicLong(-1);
        LocalRing.run(1, comm -> run(comm, null, slots.get(0), firstStep(firstStep), BATCH / 2));
        assertEquals(1, firstStep.get(), "a global batch of 5 has other batches and steps than 10: the snapshot of step 14 does not fit");
    }

    private static void assertClose(String name, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, name);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4 * Math.max(1, Math.abs(expected[i])), name + "[" + i + "]");
        }
    }

    private static Map<String, Tensor> run(Communicator comm, FileCheckpointStore store, SnapshotHolder snapshots, TrainingListener listener) {
        return run(comm, store, snapshots, listener, BATCH);
    }

    /** {@code globalBatch} samples a step, shared out over the ranks. */
    private static Map<String, Tensor> run(Communicator comm, FileCheckpointStore store, SnapshotHolder snapshots, TrainingListener listener,
                                           int globalBatch) {
        Module model = TinyTask.model(comm);
        SGD sgd = new SGD(model.parameters(), 0.05).momentum(0.9).weightDecay(1e-4);
        Trainer.Builder b = Trainer.builder().setModel(model).setOptimizer(sgd)
                .setSchedule(new CosineAnnealingLR(0.05, EPOCHS * 10L)).setObjective(TinyTask.CROSS_ENTROPY)
                .setCommunicator(comm).setConfig(TrainerConfig.of(EPOCHS, globalBatch / comm.worldSize(), 3).withCheckpoints(4, 2));
        if (store != null) b.optCheckpoints(store);
        if (snapshots != null) b.optSnapshots(snapshots, 1);
        if (listener != null) b.optListener(listener);
        b.build().fit(DATA, DATA);
        return model.stateDict();
    }

    private static TrainingListener crashAt(long step) {
        return new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                if (r.globalStep() == step) throw new IllegalStateException("simulated crash");
            }
        };
    }

    private static TrainingListener firstStep(AtomicLong into) {
        return firstStep(into, new ArrayList<>());
    }

    /** Records the first step's number, and each resume as "step: how" (only before that first step). */
    private static TrainingListener firstStep(AtomicLong into, List<String> resumes) {
        return new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                into.compareAndSet(-1, r.globalStep());
            }

            @Override
            public void onResume(long globalStep, String how) {
                if (into.get() == -1) resumes.add(globalStep + ": " + how);
            }
        };
    }

    private static TrainingListener epochs(List<TrainingListener.EpochReport> into) {
        return new TrainingListener() {
            @Override
            public void onEpochEnd(EpochReport r) {
                into.add(r);
            }
        };
    }

    private static TrainingListener both(TrainingListener a, TrainingListener b) {
        return new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                a.onStep(r);
                b.onStep(r);
            }

            @Override
            public void onEpochEnd(EpochReport r) {
                a.onEpochEnd(r);
                b.onEpochEnd(r);
            }

            @Override
            public void onResume(long globalStep, String how) {
                a.onResume(globalStep, how);
                b.onResume(globalStep, how);
            }
        };
    }
}
