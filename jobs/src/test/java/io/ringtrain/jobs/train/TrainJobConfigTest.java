package io.ringtrain.jobs.train;

import io.ringtrain.allreduce.Compression;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainJobConfigTest {
    @Test
    void gradientCompressionMapsOntoTheReplicaOptionsAndRejectsUnknownValues() {
        TrainJobConfig config = new TrainJobConfig();
        config.data = "somewhere";
        assertEquals(Compression.NONE, TrainingSetup.replicaOptions(config).gradientCompression());
        config.gradientCompression = "bf16";
        config.validate();
        assertEquals(Compression.BF16, TrainingSetup.replicaOptions(config).gradientCompression());
        config.gradientCompression = "fp16";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate);
        assertTrue(e.getMessage().contains("gradientCompression") && e.getMessage().contains("fp16") && e.getMessage().contains("none or bf16"), e.getMessage());
    }

    @Test
    void classNamesMustBeDistinctAndNoMoreThanTheClassCount() {
        TrainJobConfig config = new TrainJobConfig();
        config.data = "somewhere";
        config.numClasses = 3;
        config.classNames = java.util.List.of("cat", "dog", "cat");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, config::validate);
        assertTrue(twice.getMessage().contains("classNames") && twice.getMessage().contains("at most numClasses (3) distinct"), twice.getMessage());
        config.classNames = java.util.List.of("cat", "dog", "bird", "fish");
        assertThrows(IllegalArgumentException.class, config::validate);
        config.classNames = java.util.List.of("cat", "dog", "bird");
        config.validate();
    }
}
