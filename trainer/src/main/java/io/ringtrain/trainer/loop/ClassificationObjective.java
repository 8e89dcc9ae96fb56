package io.ringtrain.trainer.loop;

import io.ringtrain.engine.Tensor;
import io.ringtrain.trainer.data.Batch;

/**
 * Classification over logits [n, classes] with integer targets: the summed cross-entropy
 * −Σ log softmax(logits)[target], and the count of correct arg-max predictions. A target outside
 * [0, classes) is an error naming the value and the class count.
 */
public final class ClassificationObjective implements Objective {
    @Override
    public Tensor lossSum(Tensor logits, Batch batch) {
        int n = batch.size(), classes = logits.size(1);
        float[] oneHot = new float[n * classes];
        float[] targets = batch.targets().toArray();
        for (int i = 0; i < n; i++) {
            int t = (int) targets[i];
            if (t < 0 || t >= classes || t != targets[i]) {
                throw new IllegalArgumentException("label " + targets[i] + " is outside the " + classes
                        + " classes of the model's output [0, " + (classes - 1) + "]; check the dataset's labels or the model's class count");
            }
            oneHot[i * classes + t] = 1f;
        }
        return logits.logSoftmax(1).mul(Tensor.of(oneHot, n, classes)).sum().neg();
    }

    @Override
    public long correct(Tensor logits, Batch batch) {
        int[] predicted = logits.argmaxLastDim();
        float[] targets = batch.targets().toArray();
        long correct = 0;
        for (int i = 0; i < predicted.length; i++) if (predicted[i] == (int) targets[i]) correct++;
        return correct;
    }
}
