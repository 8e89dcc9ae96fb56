package io.ringtrain.trainer;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.BatchNorm1d;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.trainer.data.Samples;
import io.ringtrain.trainer.loop.Objective;
import io.ringtrain.trainer.sync.SyncBatchNorm;

import java.util.SplittableRandom;

/** A small seeded classification task and model (Linear → SyncBatchNorm → tanh → Linear) for trainer tests. */
public final class TinyTask {
    public static final int FEATURES = 8, CLASSES = 3;

    private TinyTask() {}

    public static Samples data(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * FEATURES];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int f = 0; f < FEATURES; f++) {
                x[i * FEATURES + f] = (float) (rng.nextGaussian() * (1 + f % 3));
                s += x[i * FEATURES + f] * (f % 2 == 0 ? 1 : -0.5);
            }
            y[i] = s > 1 ? 2 : s > -1 ? 1 : 0;
        }
        return new Samples() {
            public int size() { return n; }
            public int[] sampleShape() { return new int[] {FEATURES}; }
            public void copySample(int index, int epoch, float[] dst, int offset) { System.arraycopy(x, index * FEATURES, dst, offset, FEATURES); }
            public float target(int index) { return y[index]; }
        };
    }

    public static Module model(Communicator comm) {
        Init.manualSeed(123);
        Module model = new Sequential(new Linear(FEATURES, 16), new BatchNorm1d(16), new TanhLayer(), new Linear(16, CLASSES));
        if (comm.worldSize() > 1) SyncBatchNorm.convert(model, comm);
        return model;
    }

    static final class TanhLayer extends Module {
        @Override
        public Tensor forward(Tensor input) {
            return input.tanh();
        }
    }

    public static final Objective CROSS_ENTROPY = new io.ringtrain.trainer.loop.ClassificationObjective();
}
