package io.ringtrain.jobs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which starts mark their class-data dump worth keeping; the launchers' side is LauncherClassDataSharingIT (deploy). */
class ClassDataArchiveTest {
    @Test
    void onlyASucceededCommandThatRanSparkMarksItsDump(@TempDir Path dir) {
        Path dump = dir.resolve("0123456789abcdef0123.4242.tmp");
        assertEquals(dir.resolve("0123456789abcdef0123.4242.tmp.ok"), ClassDataArchive.marker(dump));

        ClassDataArchive.markIfWorthKeeping(dump, Failures.BAD_INPUT, false);   // refused before Spark started
        ClassDataArchive.markIfWorthKeeping(dump, Failures.FAILED, true);       // a job that failed
        ClassDataArchive.markIfWorthKeeping(dump, 0, false);                    // augment-preview, generate, help
        assertFalse(Files.exists(ClassDataArchive.marker(dump)));

        ClassDataArchive.markIfWorthKeeping(dump, 0, true);
        assertTrue(Files.exists(ClassDataArchive.marker(dump)));
        ClassDataArchive.markIfWorthKeeping(dump, 0, true);   // marking twice is no failure
        assertTrue(Files.exists(ClassDataArchive.marker(dump)));
    }

    @Test
    void aMarkerThatCannotBeWrittenDoesNotFailTheCommand(@TempDir Path dir) {
        Path dump = dir.resolve("gone/x.1.tmp");   // its folder does not exist
        ClassDataArchive.markIfWorthKeeping(dump, 0, true);
        assertFalse(Files.exists(ClassDataArchive.marker(dump)));
    }
}
