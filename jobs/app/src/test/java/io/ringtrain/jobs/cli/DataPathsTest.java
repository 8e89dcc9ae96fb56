package io.ringtrain.jobs.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DataPathsTest {
    @Test
    void theCheckBeforeSparkSeesTheHadoopSettingsSparkSubmitPasses() {
        System.setProperty("spark.hadoop.fs.s3a.endpoint", "http://minio:9000");
        try {
            assertEquals("http://minio:9000", DataPaths.beforeSpark().get("fs.s3a.endpoint"));
        } finally {
            System.clearProperty("spark.hadoop.fs.s3a.endpoint");
        }
    }
}
