package io.ringtrain.trainer;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.models.FmnistCnn;
import io.ringtrain.engine.models.SmallResNet;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.seq.FeedForwardActivation;
import io.ringtrain.engine.nn.seq.LSTM;
import io.ringtrain.engine.nn.seq.TransformerEncoderLayer;
import io.ringtrain.trainer.data.Samples;
import io.ringtrain.trainer.sync.SyncBatchNorm;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The models of the data-parallel equivalence tests, each with a seeded synthetic classification
 * task: the reference CNN and ResNet-8 (BatchNorm converted to SyncBatchNorm), an LSTM and a Transformer encoder.
 */
public enum EquivalenceModels {
    FMNIST_CNN(new int[] {1, 28, 28}, FmnistCnn::new),
    /** ResNet-8: nine BatchNorms, two of them inside projection shortcuts (nested modules) */
    SMALL_RESNET(new int[] {1, 8, 8}, () -> new SmallResNet(new int[] {1, 8, 8}, EquivalenceModels.CLASSES)),
    LSTM_CLASSIFIER(new int[] {6, 4}, LstmClassifier::new),
    TRANSFORMER_CLASSIFIER(new int[] {6, 4}, TransformerClassifier::new);

    public static final int CLASSES = 3;
    private final int[] sampleShape;
    private final Supplier<Module> factory;

    EquivalenceModels(int[] sampleShape, Supplier<Module> factory) {
        this.sampleShape = sampleShape;
        this.factory = factory;
    }

    /** The same initial model on every rank (rank 0's is broadcast anyway); BatchNorm synchronised for W > 1. */
    public Module model(Communicator comm) {
        Init.manualSeed(321);
        Module m = factory.get();
        if (comm.worldSize() > 1) SyncBatchNorm.convert(m, comm);
        return m;
    }

    /** {@code n} samples whose label depends on the input (so training moves the weights meaningfully). */
    public Samples data(int n, long seed) {
        int per = 1;
        for (int d : sampleShape) per *= d;
        int size = per;
        float[] x = new float[n * per];
        float[] y = new float[n];
        SplittableRandom rng = new SplittableRandom(seed);
        int classes = this == FMNIST_CNN ? 10 : CLASSES;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < per; j++) {
                x[i * per + j] = (float) rng.nextGaussian();
                if (j % 7 == 0) s += x[i * per + j];
            }
            y[i] = Math.floorMod((int) Math.floor(s), classes);
        }
        int[] shape = sampleShape;
        return new Samples() {
            public int size() { return n; }
            public int[] sampleShape() { return shape.clone(); }
            public void copySample(int index, int epoch, float[] dst, int offset) { System.arraycopy(x, index * size, dst, offset, size); }
            public float target(int index) { return y[index]; }
        };
    }

    /** LSTM over [N, 6, 4] (batch first), classifying from the last step's output. */
    static final class LstmClassifier extends Module {
        private final LSTM lstm = registerModule("lstm", new LSTM(4, 8, 1, false, true, 0f));
        private final Linear head = registerModule("head", new Linear(8, CLASSES));

        @Override
        public Tensor forward(Tensor x) {
            Tensor out = lstm.forward(x);
            return head.forward(out.select(1, out.size(1) - 1));
        }
    }

    /** A one-layer Transformer encoder over [N, 6, 4] (batch first), mean-pooled over time. */
    static final class TransformerClassifier extends Module {
        private final Linear embed = registerModule("embed", new Linear(4, 16));
        private final TransformerEncoderLayer encoder = registerModule("encoder",
                new TransformerEncoderLayer(16, 2, 32, 0f, FeedForwardActivation.GELU, 1e-5f, true, true));
        private final Linear head = registerModule("head", new Linear(16, CLASSES));

        @Override
        public Tensor forward(Tensor x) {
            return head.forward(encoder.forward(embed.forward(x)).mean(1, false));
        }
    }
}
