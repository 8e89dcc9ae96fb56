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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        Map<String, Tensor> resumed = LocalRing.run(1, comm -> run(comm, EPOCHS, store, null)).get(0);
        straight.forEach((name, t) -> assertArrayEquals(t.toArray(), resumed.get(name).toArray(), name));
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
