package io.ringtrain.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This JVM's part in the launchers' class-data-sharing archive ({@code deploy/bin/ringtrain-env.sh},
 * {@code ringtrain_cds_flags}). The start that writes the archive gets {@code
 * -XX:ArchiveClassesAtExit=PATH} and {@code -Dringtrain.cds.dump=PATH}: the JVM dumps the classes it
 * loaded to PATH when it exits, and the launcher puts that dump in place for later starts only if this
 * start marked it worth keeping ({@code PATH.ok}, written before the JVM exits and dumps).
 *
 * <p>Worth keeping means: the command succeeded and ran in a SparkSession. Every other start loads
 * a small part of what a job loads: a start refused for bad input, or one that needs no Spark
 * (augment-preview, generate), loads too few of Spark's classes. An archive of those left every later
 * start to read, parse and verify the rest from the jars, seconds of CPU a start; instead the next
 * start that may dumps.
 */
final class ClassDataArchive {
    /** The system property that names the dump this JVM writes as it exits; absent when it writes none. */
    static final String DUMP_PROPERTY = "ringtrain.cds.dump";

    private static volatile boolean sparkSessionStarted;

    private ClassDataArchive() {}

    /** A SparkSession started in this JVM: the classes a later start needs are loaded. */
    static void sparkSessionStarted() {
        sparkSessionStarted = true;
    }

    /**
     * Marks this JVM's dump worth keeping when the command that ends with {@code exitCode} ran a
     * SparkSession and succeeded. Never fails the command: an archive only saves time.
     */
    static void markIfWorthKeeping(int exitCode) {
        String dump = System.getProperty(DUMP_PROPERTY);
        if (dump != null) markIfWorthKeeping(Path.of(dump), exitCode, sparkSessionStarted);
    }

    static void markIfWorthKeeping(Path dump, int exitCode, boolean ranSpark) {
        if (exitCode != 0 || !ranSpark) return;
        try {
            Files.write(marker(dump), new byte[0]);
        } catch (IOException | RuntimeException e) {
            // no marker: the next start throws the dump away and writes its own
        }
    }

    /** The file that marks {@code dump} worth keeping. */
    static Path marker(Path dump) {
        return dump.resolveSibling(dump.getFileName() + ".ok");
    }
}
