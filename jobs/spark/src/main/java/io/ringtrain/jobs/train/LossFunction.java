package io.ringtrain.jobs.train;

import io.ringtrain.engine.Tensor;
import io.ringtrain.jobs.models.UserObjects;
import io.ringtrain.trainer.data.Batch;

import java.io.Serializable;

/**
 * A user's training loss for an image classifier, in place of cross-entropy: from the model's
 * logits [n, numClasses] and the batch (its integer labels in {@link Batch#targets()}) to the
 * batch's summed loss, a tensor of one element built with the engine's operations so it
 * back-propagates. Summed, not averaged: the trainer divides by the global sample count, so the
 * mean is the same whatever the split over replicas. Serialisable, so a lambda or a class ships to
 * the executors; its class (and whatever it captures) must be on their classpath.
 */
@FunctionalInterface
public interface LossFunction extends Serializable {
    Tensor lossSum(Tensor logits, Batch batch);

    /** {@code loss} as Java serialisation in Base64: what a training config, an ML param and a saved model's provenance hold. */
    static String encode(LossFunction loss) {
        return UserObjects.encode(loss, "loss function " + loss.getClass().getName());
    }

    /** The loss {@link #encode} wrote; a class missing here is named, with the jar to add. */
    static LossFunction decode(String encoded) {
        return UserObjects.decode(encoded, LossFunction.class, "the loss function");
    }
}
