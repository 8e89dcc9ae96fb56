package io.ringtrain.jobs.train;

import io.ringtrain.engine.Tensor;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.loop.ClassificationObjective;
import io.ringtrain.trainer.loop.Objective;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserLossObjectiveTest {
    private static final Tensor LOGITS = Tensor.of(new float[] {2f, 0f, 0f, 1f, 3f, 0f}, 2, 3);
    private static final Batch BATCH = new Batch(Tensor.of(new float[] {0f, 0f}, 2, 1), Tensor.of(new float[] {0f, 2f}, 2), 2);

    @Test
    void aConfigsLossFunctionReachesTheReplicasObjectiveAndIsWhatItMinimises() {
        double weight = 0.5; // captured, and serialised with the lambda
        TrainJobConfig config = new TrainJobConfig().lossFunction((logits, batch) -> new ClassificationObjective().lossSum(logits, batch).mul((float) weight));

        Objective objective = ReplicaTask.objective(config);

        float crossEntropy = new ClassificationObjective().lossSum(LOGITS, BATCH).item();
        assertEquals(0.5f * crossEntropy, objective.lossSum(LOGITS, BATCH).item(), 1e-6f);
        assertEquals(1, objective.correct(LOGITS, BATCH), "accuracy stays the logits' arg-max: sample 0 right, sample 1 wrong");
    }

    @Test
    void aLossThatIsNotOneElementIsRefusedNamingItsShape() {
        Objective objective = ReplicaTask.objective(new TrainJobConfig().lossFunction((logits, batch) -> logits));

        var e = assertThrows(IllegalArgumentException.class, () -> objective.lossSum(LOGITS, BATCH));
        assertTrue(e.getMessage().contains("shape [2, 3]") && e.getMessage().contains("one element"), e.getMessage());
    }

    @Test
    void aLossCapturingSomethingNotSerialisableIsRefusedWhenSet() {
        Object notSerialisable = new Object();
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TrainJobConfig().lossFunction((logits, batch) -> notSerialisable == null ? logits : logits.sum()));
        assertTrue(e.getMessage().contains("not Serializable"), e.getMessage());
    }
}
