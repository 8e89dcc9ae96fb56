package io.ringtrain.jobs.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The full log of a run, stack traces included, in {@value #FILE} in its run folder; the console
 * shows one line per message (ringtrain-log4j2.properties drops the traces there). Only a local run
 * folder gets the file (a Hadoop URI cannot be appended to through log4j), and the file is created
 * with the first message, so a run refused on the driver leaves no folder behind.
 */
final class RunLog implements AutoCloseable {
    static final String FILE = "ringtrain.log";
    private static final String APPENDER = "ringtrain-run-log";

    private final LoggerContext context;
    private final FileAppender appender;

    private RunLog(LoggerContext context, FileAppender appender) {
        this.context = context;
        this.appender = appender;
    }

    /** Starts logging into {@code runDir}/{@value #FILE}; null when the folder is not local or log4j is not the logging back end. */
    static RunLog attach(String runDir) {
        Path file = localFile(runDir);
        if (file == null || !(LogManager.getContext(false) instanceof LoggerContext context)) return null;
        Configuration config = context.getConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config).withPattern("%d{ISO8601} %p %c: %m%n%ex").build();
        FileAppender appender = FileAppender.newBuilder().setName(APPENDER).withFileName(file.toString()).withAppend(true)
                .withCreateOnDemand(true).setLayout(layout).setConfiguration(config).build();
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, Level.ALL, null);
        context.updateLoggers();
        return new RunLog(context, appender);
    }

    /** The log file of a run folder given as a local path or a file: URI; null for other file systems. */
    static Path localFile(String runDir) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(runDir);
        String scheme = p.toUri().getScheme();
        if (scheme != null && !scheme.equals("file")) return null;
        return Paths.get(p.toUri().getPath()).resolve(FILE);
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(APPENDER);
        context.updateLoggers();
        appender.stop();
    }
}
