package io.ringtrain.trainer.loop;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.Compression;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.SGD;
import io.ringtrain.engine.optim.schedule.CosineAnnealingLR;
import io.ringtrain.trainer.LocalRing;
import io.ringtrain.trainer.TinyTask;
import io.ringtrain.trainer.data.Samples;
import io.ringtrain.trainer.sync.ReplicaOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bfloat16 gradient compression: replicas stay bitwise identical, the trajectory stays close to
 * the float32 one (bfloat16 keeps ~3 significant digits, so 20 steps drift by about 1% of a
 * weight's scale), and it does differ from it (the gradients really went through bfloat16).
 */
class GradientCompressionTest {
    private static final int GLOBAL_BATCH = 24, EPOCHS = 4;

    @Test
    void bf16GradientsKeepReplicasIdenticalAndTrainCloseToFloat32() {
        Samples data = TinyTask.data(100, 5);
        List<Map<String, Tensor>> full = LocalRing.run(2, comm -> train(comm, data, Compression.NONE));
        List<Map<String, Tensor>> compressed = LocalRing.run(2, comm -> train(comm, data, Compression.BF16));
        double maxDiff = 0;
        for (String name : full.get(0).keySet()) {
            float[] want = full.get(0).get(name).toArray();
            float[] got = compressed.get(0).get(name).toArray();
            assertArrayEquals(got, compressed.get(1).get(name).toArray(), name + " differs between the two compressed replicas");
            double scale = 1e-3;
            for (float v : want) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < want.length; i++) {
                double diff = Math.abs(want[i] - got[i]) / scale;
                maxDiff = Math.max(maxDiff, diff);
                assertTrue(diff < 2e-2, name + "[" + i + "]: bf16 run " + got[i] + " vs float32 run " + want[i]);
            }
        }
        assertTrue(maxDiff > 1e-6, "the compressed run equals the float32 run bit for bit: compression did nothing");
    }

    private static Map<String, Tensor> train(Communicator comm, Samples data, Compression compression) {
        Module model = TinyTask.model(comm);
        SGD sgd = new SGD(model.parameters(), 0.1).momentum(0.9);
        Trainer trainer = Trainer.builder().setModel(model).setOptimizer(sgd)
                .setSchedule(new CosineAnnealingLR(0.1, 20)).setObjective(TinyTask.CROSS_ENTROPY)
                .setCommunicator(comm).setConfig(TrainerConfig.of(EPOCHS, GLOBAL_BATCH / 2, 9))
                .optReplicaOptions(ReplicaOptions.DEFAULTS.withGradientCompression(compression)).build();
        assertEquals(20, trainer.fit(data, null).optimizerSteps());
        return model.stateDict();
    }
}
