package io.ringtrain.jobs.models.usernets;

import io.ringtrain.engine.Tensor;
import io.ringtrain.jobs.train.LossFunction;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.loop.ClassificationObjective;

/** Breaks the {@code --loss-class} contract: a loss with no no-argument constructor. */
public class ScaledCrossEntropy implements LossFunction {
    private final float scale;

    public ScaledCrossEntropy(float scale) {
        this.scale = scale;
    }

    @Override
    public Tensor lossSum(Tensor logits, Batch batch) {
        return new ClassificationObjective().lossSum(logits, batch).mul(scale);
    }
}
