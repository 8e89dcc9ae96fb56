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
}
