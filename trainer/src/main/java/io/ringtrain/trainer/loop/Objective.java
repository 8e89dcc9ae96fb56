package io.ringtrain.trainer.loop;

import io.ringtrain.engine.Tensor;
import io.ringtrain.trainer.data.Batch;

/**
 * What the model is trained to do: the summed loss of a batch (a 0-d tensor; summed, not
 * averaged, so an empty batch gives 0 and the trainer divides by the global sample count), and the
 * evaluation counts.
 */
public interface Objective {
    Tensor lossSum(Tensor output, Batch batch);

    /** Number of correct predictions in the batch (classification); 0 where it does not apply. */
    default long correct(Tensor output, Batch batch) {
        return 0;
    }

    /**
     * Σ over the batch's samples of the share of each sample predicted right, in [0, 1] per sample;
     * {@link Trainer#evaluate} divides it by the sample count to report accuracy. For classification
     * it is {@link #correct} (each sample is right or wrong); a sequence objective gives each
     * sample's token accuracy.
     */
    default double accuracySum(Tensor output, Batch batch) {
        return correct(output, batch);
    }
}
