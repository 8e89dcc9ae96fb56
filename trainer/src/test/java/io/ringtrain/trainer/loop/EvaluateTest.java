package io.ringtrain.trainer.loop;

import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.SGD;
import io.ringtrain.trainer.LocalRing;
import io.ringtrain.trainer.TinyTask;
import io.ringtrain.trainer.data.Samples;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Evaluation over sharded data counts every sample of every rank exactly once. */
class EvaluateTest {
    @Test
    void shardsOfUnevenSizeAddUpToTheWholeSet() {
        Samples whole = TinyTask.data(53, 8);
        EvalResult single = LocalRing.run(1, comm -> trainer(comm).evaluate(whole)).get(0);
        List<EvalResult> sharded = LocalRing.run(3, comm -> trainer(comm).evaluate(shard(whole, comm.rank(), 3)));
        for (EvalResult r : sharded) {
            assertEquals(53, r.count());
            assertEquals(single.accuracy(), r.accuracy(), 1e-12);
            assertEquals(single.loss(), r.loss(), 1e-5 * Math.abs(single.loss()), "float32 losses summed in another order");
        }
    }

    private static Trainer trainer(io.ringtrain.allreduce.Communicator comm) {
        Module model = TinyTask.model(comm);
        return Trainer.builder().setModel(model).setOptimizer(new SGD(model.parameters(), 0.1)).setSchedule(step -> 0.1)
                .setObjective(TinyTask.CROSS_ENTROPY).setCommunicator(comm).setConfig(TrainerConfig.of(1, 4, 0)).build();
    }

    /** Every third sample starting at {@code rank}: shards of 18, 18 and 17. */
    private static Samples shard(Samples whole, int rank, int world) {
        return new Samples() {
            public int size() { return (whole.size() - rank + world - 1) / world; }
            public int[] sampleShape() { return whole.sampleShape(); }
            public void copySample(int index, int epoch, float[] dst, int offset) { whole.copySample(index * world + rank, epoch, dst, offset); }
            public float target(int index) { return whole.target(index * world + rank); }
        };
    }
}
