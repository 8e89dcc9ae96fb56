package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.train.GradientCompression;
import io.ringtrain.jobs.train.OptimizerChoice;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingOptionsTest {
    @Test
    void flagsOverrideTheDefaults() {
        TrainingOptions options = new TrainingOptions();
        new CommandLine(options).parseArgs("--no-sync-batch-norm", "--grad-compression", "bf16", "--model", "small-resnet");
        TrainJobConfig config = options.toConfig();
        assertFalse(config.syncBatchNorm);
        assertEquals(GradientCompression.BF16, config.gradientCompression);
        assertEquals("small-resnet", config.model.name);
    }

    @Test
    void withoutFlagsTheDefaultsStay() {
        TrainingOptions options = new TrainingOptions();
        new CommandLine(options).parseArgs();
        TrainJobConfig config = options.toConfig();
        assertTrue(config.syncBatchNorm);
        assertEquals(GradientCompression.NONE, config.gradientCompression);
        assertEquals(OptimizerChoice.SGD, config.optimization.optimizer);
    }

    @Test
    void aClosedSettingIsParsedFromItsFlagAndAnUnknownNameIsRefusedNamingTheChoices() {
        TrainingOptions adamw = new TrainingOptions();
        new CommandLine(adamw).parseArgs("--optimizer", "adamw");
        assertEquals(OptimizerChoice.ADAMW, adamw.toConfig().optimization.optimizer);
        TrainingOptions lion = new TrainingOptions();
        new CommandLine(lion).parseArgs("--optimizer", "lion");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, lion::toConfig);
        assertEquals("training setting 'optimizer' = lion is invalid: expected sgd or adamw", e.getMessage());
    }
}
