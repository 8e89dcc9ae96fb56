package io.ringtrain.trainer.loop;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.engine.Tensor;
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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run stopped and resumed from its checkpoint continues the uninterrupted trajectory bit for bit. */
class ResumeTest {
    private static final Samples DATA = TinyTask.data(100, 5);
    private static final int EPOCHS = 3, BATCH = 10; // 10 steps an epoch

    @Test
    void resumingAfterAnEpochGivesTheUninterruptedWeights(@TempDir Path dir) {
        Map<String, Tensor> straight = LocalRing.run(2, comm -> run(comm, EPOCHS, null, null)).get(0);
        LocalRing.run(2, comm -> run(comm, 1, new FileCheckpointStore(dir, 2), null));
        Map<String, Tensor> resumed = LocalRing.run(2, comm -> run(comm, EPOCHS, new FileCheckpointStore(dir, 2), null)).get(0);
        straight.forEach((name, t) -> assertArrayEquals(t.toArray(), resumed.get(name).toArray(), name));
    }

    @Test
    void resumingAfterACrashMidEpochGivesTheUninterruptedWeights(@TempDir Path dir) throws Exception {
        Map<String, Tensor> straight = LocalRing.run(1, comm -> run(comm, EPOCHS, null, null)).get(0);
        TrainingListener crashAtStep13 = new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                if (r.globalStep() == 13) throw new IllegalStateException("simulated crash");
            }
        };
        FileCheckpointStore store = new FileCheckpointStore(dir, 2);
        assertThrows(RuntimeException.class, () -> LocalRing.run(1, comm -> run(comm, EPOCHS, store, crashAtStep13)));
        assertEquals(12, store.latestCursor().orElseThrow().globalStep(), "checkpoints every 4 steps: the last before the crash is step 12");
        assertEquals(2, store.checkpoints().size(), "keeps the last 2");
        List<String> resumes = new ArrayList<>();
        Map<String, Tensor> resumed = LocalRing.run(1, comm -> run(comm, EPOCHS, store, new TrainingListener() {
            @Override
            public void onResume(long globalStep, String how) {
                resumes.add(globalStep + ": " + how);
            }
        })).get(0);
        straight.forEach((name, t) -> assertArrayEquals(t.toArray(), resumed.get(name).toArray(), name));
        assertEquals(List.of("12: resuming from the durable checkpoint at step 12"), resumes, "the listener hears where the run continued");
    }

    @Test
    void theTrainLossOfAnEpochResumedMidwayCoversTheWholeEpoch(@TempDir Path dir) {
        List<TrainingListener.EpochReport> straight = new ArrayList<>(), resumed = new ArrayList<>();
        LocalRing.run(1, comm -> run(comm, EPOCHS, null, epochs(straight)));
        FileCheckpointStore store = new FileCheckpointStore(dir, 2);
        assertThrows(RuntimeException.class, () -> LocalRing.run(1, comm -> run(comm, EPOCHS, store, crashAt(13))));
        LocalRing.run(1, comm -> run(comm, EPOCHS, store, epochs(resumed)));

        assertEquals(EPOCHS - 1, resumed.size(), "the resumed run reports epochs 2 and 3");
        TrainingListener.EpochReport interrupted = resumed.get(0);
        assertEquals(straight.get(1).trainSamples(), interrupted.trainSamples(), "every sample of epoch 2, before the crash too");
        assertEquals(straight.get(1).trainLoss(), interrupted.trainLoss(), 1e-12);
    }

    @Test
    void aCorruptNewestCheckpointIsNamedAndSkippedForThePreviousOne(@TempDir Path dir) throws Exception {
        Map<String, Tensor> straight = LocalRing.run(1, comm -> run(comm, EPOCHS, null, null)).get(0);
        FileCheckpointStore store = new FileCheckpointStore(dir, 2);
        assertThrows(RuntimeException.class, () -> LocalRing.run(1, comm -> run(comm, EPOCHS, store, crashAt(13))));
        Path newest = store.checkpoints().get(1).resolve(io.ringtrain.engine.io.Checkpoint.MODEL_FILE);
        byte[] bytes = java.nio.file.Files.readAllBytes(newest);
        bytes[bytes.length - 3] ^= 0x10; // one flipped bit in a weight
        java.nio.file.Files.write(newest, bytes);

        List<String> warnings = new ArrayList<>();
        assertEquals(10, store.latestCursor(warnings::add).orElseThrow().globalStep(), "the previous checkpoint: the end of epoch 1, step 10");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("WARNING: ") && warnings.get(0).contains(newest.toString()), warnings.get(0));
        Map<String, Tensor> resumed = LocalRing.run(1, comm -> run(comm, EPOCHS, store, null)).get(0);
        straight.forEach((name, t) -> assertArrayEquals(t.toArray(), resumed.get(name).toArray(), name));
    }

    @Test
    void aTruncatedOnlyCheckpointIsRefusedNotSilentlyStartedOver(@TempDir Path dir) throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir, 1);
        LocalRing.run(1, comm -> run(comm, 1, store, null));
        Path model = store.checkpoints().get(0).resolve(io.ringtrain.engine.io.Checkpoint.MODEL_FILE);
        java.nio.file.Files.write(model, java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(model), 100));

        RuntimeException e = assertThrows(RuntimeException.class, () -> LocalRing.run(1, comm -> run(comm, EPOCHS, store, null)));
        Throwable cause = e;
        while (cause != null && !(cause instanceof IllegalArgumentException)) cause = cause.getCause();
        assertTrue(cause != null && cause.getMessage().contains(model.toString()), String.valueOf(cause));
    }

    private static TrainingListener crashAt(long step) {
        return new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                if (r.globalStep() == step) throw new IllegalStateException("simulated crash");
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

    @Test
    void rerunningAFinishedRunTrainsNothingAndStillEvaluates(@TempDir Path dir) {
        FileCheckpointStore store = new FileCheckpointStore(dir, 2);
        Map<String, Tensor> first = LocalRing.run(1, comm -> run(comm, EPOCHS, store, null)).get(0);
        LocalRing.run(1, comm -> {
            Module model = TinyTask.model(comm);
            SGD sgd = new SGD(model.parameters(), 0.05).momentum(0.9).weightDecay(1e-4);
            TrainingResult r = Trainer.builder().setModel(model).setOptimizer(sgd)
                    .setSchedule(new CosineAnnealingLR(0.05, EPOCHS * 10L)).setObjective(TinyTask.CROSS_ENTROPY)
                    .setCommunicator(comm).setConfig(TrainerConfig.of(EPOCHS, BATCH, 3)).optCheckpoints(store).build()
                    .fit(DATA, DATA);
            assertEquals(0, r.epochs().size(), "nothing left to train");
            assertEquals(DATA.size(), r.finalEval().count(), "the restored model is still evaluated");
            first.forEach((name, t) -> assertArrayEquals(t.toArray(), model.stateDict().get(name).toArray(), name));
            return r;
        });
    }

    private static Map<String, Tensor> run(Communicator comm, int epochs, CheckpointStore store, TrainingListener listener) {
        Module model = TinyTask.model(comm);
        SGD sgd = new SGD(model.parameters(), 0.05).momentum(0.9).weightDecay(1e-4);
        Trainer.Builder b = Trainer.builder().setModel(model).setOptimizer(sgd)
                .setSchedule(new CosineAnnealingLR(0.05, EPOCHS * 10L)).setObjective(TinyTask.CROSS_ENTROPY)
                .setCommunicator(comm).setConfig(TrainerConfig.of(epochs, BATCH / comm.worldSize(), 3).withCheckpoints(4, 2));
        if (store != null) b.optCheckpoints(store);
        if (listener != null) b.optListener(listener);
        b.build().fit(DATA, null);
        return model.stateDict();
    }

}
