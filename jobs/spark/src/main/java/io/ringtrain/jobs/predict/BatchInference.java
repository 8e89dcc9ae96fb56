package io.ringtrain.jobs.predict;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.data.RecordSamples;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.loop.Objective;

import java.util.Arrays;
import java.util.List;

/**
 * One executor's copy of a saved model, run in eval mode without gradients over batches of records:
 * each record is decoded and normalised exactly as in training (no augmentation), and the model's
 * logits [n, classes] come back with the softmax probabilities and the arg-max class.
 * Not thread-safe: build one per task.
 */
public final class BatchInference {
    private final Module model;
    private final int[] inputShape;
    private final int classes;
    private final float[] mean;
    private final float[] std;

    /**
     * The outputs for n records, row-major: {@code logits[i * classes + k]}; {@code lossSum}: the
     * scoring objective's loss summed over the records, NaN when none was asked for.
     */
    public record Outputs(float[] logits, float[] probabilities, int[] predictions, int classes, double lossSum) {
        public int size() {
            return predictions.length;
        }

        /** Record i's class probabilities (a copy). */
        public float[] probabilities(int i) {
            return Arrays.copyOfRange(probabilities, i * classes, (i + 1) * classes);
        }

        /** Record i's logits (a copy). */
        public float[] logits(int i) {
            return Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
        }
    }

    public BatchInference(SavedModel saved) {
        if (saved.mean() == null) {
            throw new IllegalArgumentException("model " + saved.source() + " has no stored normalisation (mean/std); "
                    + "compute it from the data (Normalization.compute) and apply SavedModel.withNormalization first");
        }
        this.model = saved.instantiate();
        this.inputShape = saved.inputShape();
        this.classes = saved.numClasses();
        this.mean = saved.mean();
        this.std = saved.std();
    }

    public int classes() {
        return classes;
    }

    public Outputs run(List<ImageRecord> records) {
        return run(records, null);
    }

    /**
     * The outputs, and, when {@code scoring} is given, its loss summed over the (labelled) records,
     * computed on the very batch training would build from them (inputs and targets).
     */
    public Outputs run(List<ImageRecord> records, Objective scoring) {
        int n = records.size();
        if (n == 0) return new Outputs(new float[0], new float[0], new int[0], classes, scoring == null ? Double.NaN : 0);
        RecordSamples samples = new RecordSamples(records, inputShape, mean, std, null);
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        try (var scope = GradMode.noGrad()) {
            Batch batch = Batch.gather(samples, all, 0);
            Tensor logits = model.forward(batch.inputs());
            if (logits.shape().length != 2 || logits.size(0) != n || logits.size(1) != classes) {
                throw new IllegalStateException("model output has shape " + Arrays.toString(logits.shape()) + ", expected [" + n + ", " + classes + "]");
            }
            double lossSum = scoring == null ? Double.NaN : scoring.lossSum(logits, batch).item();
            return new Outputs(logits.toArray(), logits.softmax(1).toArray(), logits.argmaxLastDim(), classes, lossSum);
        }
    }
}
