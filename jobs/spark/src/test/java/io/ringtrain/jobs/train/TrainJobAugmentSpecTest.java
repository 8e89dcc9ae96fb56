package io.ringtrain.jobs.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training job validates its augmentation spec on the driver, before any data is read. */
class TrainJobAugmentSpecTest {
    @Test
    void aNormalizeStepIsRefusedSoNormalisationCannotBeAppliedTwice() {
        // the job's own normalisation (mean/std) is applied to every split; this step would come on top, to training data only
        String spec = "[{\"type\": \"horizontal_flip\"}, {\"type\": \"normalize\", \"mean\": [0.286], \"std\": [0.353]}]";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.readAugmentSpec(new org.apache.hadoop.conf.Configuration(), spec));
        assertTrue(e.getMessage().contains("transforms[1] (normalize)") && e.getMessage().contains("'mean' and 'std'"), e.getMessage());
    }

    @Test
    void aSpecWithoutNormalizeIsPassedOnAsWritten() {
        String spec = "[{\"type\": \"horizontal_flip\"}]";
        assertEquals(spec, TrainJob.readAugmentSpec(new org.apache.hadoop.conf.Configuration(), spec));
    }
}
