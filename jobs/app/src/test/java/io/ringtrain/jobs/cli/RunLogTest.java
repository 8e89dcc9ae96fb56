package io.ringtrain.jobs.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stack traces go to the run folder's log file; the launchers' console shows one line per message. */
class RunLogTest {
    @Test
    void aWarningsTraceGoesToTheRunFoldersLog(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        try (RunLog log = RunLog.attach(run.toString())) {
            assertFalse(Files.exists(run.resolve(RunLog.FILE)), "the file appears with the first message, not before");
            LogManager.getLogger("org.apache.spark.scheduler.TaskSetManager").warn("Lost task 0.0", new IllegalStateException("replica 1 died"));
        }
        String logged = Files.readString(run.resolve(RunLog.FILE), StandardCharsets.UTF_8);
        assertTrue(logged.contains("Lost task 0.0") && logged.contains("java.lang.IllegalStateException: replica 1 died")
                && logged.contains("\tat io.ringtrain.jobs.cli.RunLogTest"), logged);

        LogManager.getLogger("x").warn("after close");
        assertFalse(Files.readString(run.resolve(RunLog.FILE)).contains("after close"), "closing detaches the file");
    }

    @Test
    void aRunFolderOnAnotherFileSystemGetsNoLogFile() {
        assertNull(RunLog.localFile("hdfs://namenode/runs/a"));
        assertEquals(Path.of("/tmp/runs/a", RunLog.FILE), RunLog.localFile("file:///tmp/runs/a"));
    }

    @Test
    void theLaunchersConsoleShowsTheMessageWithoutItsTrace() throws Exception {
        Configuration config;
        try (InputStream in = RunLogTest.class.getResourceAsStream("/ringtrain-log4j2.properties")) {
            config = new PropertiesConfigurationFactory().getConfiguration(new LoggerContext("console-test"), new ConfigurationSource(in));
        }
        config.initialize();
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("org.apache.spark.executor.Executor").setLevel(Level.ERROR)
                .setMessage(new SimpleMessage("Exception in task 0.0")).setThrown(new IllegalStateException("replica 1 died")).build();

        LogEvent traceInMessage = Log4jLogEvent.newBuilder().setLoggerName("org.apache.spark.scheduler.TaskSetManager").setLevel(Level.WARN)
                .setMessage(new SimpleMessage("Lost task 1.0 in stage 5.0 (TID 6): java.io.IOException: No space left on device\n\tat a.B.c(B.java:1)\r\n"))
                .build();

        String printed = new String(config.getAppender("console").getLayout().toByteArray(event), StandardCharsets.UTF_8);
        String lost = new String(config.getAppender("console").getLayout().toByteArray(traceInMessage), StandardCharsets.UTF_8);

        assertEquals(1, printed.lines().count(), printed);
        assertTrue(printed.contains("ERROR Executor: Exception in task 0.0"), printed);
        assertEquals(1, lost.lines().count(), lost);
        assertTrue(lost.strip().endsWith("WARN TaskSetManager: Lost task 1.0 in stage 5.0 (TID 6): java.io.IOException: No space left on device"), lost);
    }
}
