package io.ringtrain.jobs.api;

import io.ringtrain.jobs.train.TrainJobConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectiveChoiceTest {
    private static TrainJobConfig images() {
        return new TrainJobConfig();
    }

    private static TrainJobConfig text(String model) {
        TrainJobConfig c = new TrainJobConfig();
        c.model.name = model;
        c.input.format = io.ringtrain.jobs.train.InputSettings.format("text");
        return c;
    }

    @Test
    void withoutAnObjectiveTheModelsOwnIsKept() {
        TrainJobConfig c = images();
        ObjectiveChoice.apply(null, c);
        assertNull(c.getLossFunction());
    }

    @Test
    void eachObjectiveFitsItsModelsAndData() {
        assertDoesNotThrow(() -> ObjectiveChoice.apply(Objective.classification(), images()));
        assertDoesNotThrow(() -> ObjectiveChoice.apply(Objective.classification(), text("bert-encoder")));
        assertDoesNotThrow(() -> ObjectiveChoice.apply(Objective.perToken(), text("char-lstm")));
        TrainJobConfig c = images();
        ObjectiveChoice.apply(Objective.loss((logits, batch) -> logits.sum()), c);
        assertNotNull(c.getLossFunction(), "the loss travels in the config to the replicas");
    }

    @Test
    void anObjectiveThatDoesNotFitIsRefusedNamingTheModelAndFormat() {
        var perTokenOnImages = assertThrows(IllegalArgumentException.class, () -> ObjectiveChoice.apply(Objective.perToken(), images()));
        assertTrue(perTokenOnImages.getMessage().contains("model fmnist-cnn on format idx"), perTokenOnImages.getMessage());
        var classifyingAModel = assertThrows(IllegalArgumentException.class, () -> ObjectiveChoice.apply(Objective.classification(), text("char-lstm")));
        assertTrue(classifyingAModel.getMessage().contains("char-lstm on format text, which trains per-token"), classifyingAModel.getMessage());
        var lossOnText = assertThrows(IllegalArgumentException.class,
                () -> ObjectiveChoice.apply(Objective.loss((logits, batch) -> logits.sum()), text("char-lstm")));
        assertTrue(lossOnText.getMessage().contains("a loss function trains image classifiers"), lossOnText.getMessage());
    }
}
