package com.acme;

import io.ringtrain.engine.Tensor;
import io.ringtrain.jobs.train.LossFunction;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.loop.ClassificationObjective;

/**
 * A user's own loss, trained with {@code train --loss-class com.acme.MyLoss} and this jar on
 * {@code --jars}: cross-entropy plus a small penalty on the squared logits, which keeps the model
 * from growing over-confident. ringtrain calls the public no-argument constructor on the driver and
 * ships the instance to the replicas; {@code lossSum} gives the batch's summed loss (one element,
 * built from engine operations so it back-propagates), and {@code evaluate} reports the same loss.
 */
public class MyLoss implements LossFunction {
    /** Weight of Σ logit² per sample. */
    private static final float LOGIT_PENALTY = 1e-3f;

    public MyLoss() {
    }

    @Override
    public Tensor lossSum(Tensor logits, Batch batch) {
        return new ClassificationObjective().lossSum(logits, batch).add(logits.pow(2f).sum().mul(LOGIT_PENALTY));
    }
}
