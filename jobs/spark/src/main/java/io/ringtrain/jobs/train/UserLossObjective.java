package io.ringtrain.jobs.train;

import io.ringtrain.engine.Tensor;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.loop.ClassificationObjective;
import io.ringtrain.trainer.loop.Objective;

import java.util.Arrays;

/**
 * Training with the user's {@link LossFunction}: its value is the loss the replicas minimise (and
 * the test loss the run reports); accuracy stays the arg-max accuracy of the logits, which the
 * model's output [n, numClasses] defines whatever the loss. A loss that does not give one element
 * fails, naming the shape. Evaluation scores a saved model with the same objective, so it reports
 * the loss training minimised.
 */
public final class UserLossObjective implements Objective {
    private final LossFunction loss;
    private final ClassificationObjective accuracy = new ClassificationObjective();

    public UserLossObjective(LossFunction loss) {
        this.loss = loss;
    }

    /** The loss's class name, as reports name the loss. */
    public String lossName() {
        return loss.getClass().getName();
    }

    @Override
    public Tensor lossSum(Tensor logits, Batch batch) {
        Tensor sum = loss.lossSum(logits, batch);
        if (sum == null || sum.numel() != 1) {
            throw new IllegalArgumentException("the loss function " + loss.getClass().getName() + " gave " + (sum == null ? "null" : "a tensor of shape "
                    + Arrays.toString(sum.shape())) + "; it must give the batch's summed loss, one element");
        }
        return sum;
    }

    @Override
    public long correct(Tensor logits, Batch batch) {
        return accuracy.correct(logits, batch);
    }
}
