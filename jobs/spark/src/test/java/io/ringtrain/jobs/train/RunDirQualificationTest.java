package io.ringtrain.jobs.train;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Executors run in their own working directories: the driver ships them the run folder as an absolute path or a full URI. */
class RunDirQualificationTest {
    @Test
    void aRelativeRunFolderBecomesTheDriversAbsolutePath() throws Exception {
        assertEquals(Path.of("runs/latest").toAbsolutePath().toString(), TrainJob.qualifiedRunDir("runs/latest", new Configuration()));
    }

    @Test
    void aLocalUriBecomesItsPathAndAnotherFileSystemKeepsItsUri() throws Exception {
        assertEquals("/data/run", TrainJob.qualifiedRunDir("file:///data/run", new Configuration()));
        Configuration hdfs = new Configuration();
        hdfs.set("fs.defaultFS", "hdfs://127.0.0.1:8020");
        assertEquals("hdfs://127.0.0.1:8020/data/run", TrainJob.qualifiedRunDir("/data/run", hdfs));
    }
}
