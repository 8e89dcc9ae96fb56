package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.train.TrainJobConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingOptionsTest {
    @Test
    void flagsOverrideTheDefaults() {
        TrainingOptions options = new TrainingOptions();
        new CommandLine(options).parseArgs("--no-sync-batch-norm", "--grad-compression", "bf16", "--model", "small-resnet");
        TrainJobConfig config = options.toConfig();
        assertFalse(config.syncBatchNorm);
        assertEquals("bf16", config.gradientCompression);
        assertEquals("small-resnet", config.model);
    }

    @Test
    void withoutFlagsTheDefaultsStay() {
        TrainingOptions options = new TrainingOptions();
        new CommandLine(options).parseArgs();
        TrainJobConfig config = options.toConfig();
        assertTrue(config.syncBatchNorm);
        assertEquals("none", config.gradientCompression);
    }
}
