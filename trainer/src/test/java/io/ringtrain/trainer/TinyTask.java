package io.ringtrain.trainer;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.trainer.data.Batch;
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
        return new Sequential(new Linear(FEATURES, 16), new SyncBatchNorm(16, comm), new TanhLayer(), new Linear(16, CLASSES));
    }

    static final class TanhLayer extends Module {
        @Override
        public Tensor forward(Tensor input) {
            return input.tanh();
        }
    }

    /** Summed cross-entropy written with core tensor ops (log-softmax times a one-hot mask). */
    public static final Objective CROSS_ENTROPY = new Objective() {
        @Override
        public Tensor lossSum(Tensor logits, Batch batch) {
            int n = batch.size(), c = logits.size(1);
            float[] oneHot = new float[n * c];
            float[] t = batch.targets().toArray();
            for (int i = 0; i < n; i++) oneHot[i * c + (int) t[i]] = 1f;
            return logits.logSoftmax(1).mul(Tensor.of(oneHot, n, c)).sum().neg();
        }

        @Override
        public long correct(Tensor logits, Batch batch) {
            int[] pred = logits.argmaxLastDim();
            float[] t = batch.targets().toArray();
            long ok = 0;
            for (int i = 0; i < pred.length; i++) if (pred[i] == (int) t[i]) ok++;
            return ok;
        }
    };
}
