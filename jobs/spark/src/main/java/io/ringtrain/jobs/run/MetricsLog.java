package io.ringtrain.jobs.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's metrics.jsonl across attempts and resumes. The lines the file already holds are kept;
 * each new line gets {@code "attempt"} (numbered on from the highest attempt already in the file,
 * so an executor retry or a resumed run never repeats a step line under the same attempt) and
 * {@code "time"} (ISO-8601, UTC). New lines are appended to the file, never rewriting what it holds,
 * at most once per {@link #WRITE_EVERY_MILLIS}, at every epoch and checkpoint line and on {@link
 * #flush()}, so a driver crash loses at most the last second of lines, and none before the newest
 * checkpoint line it received (the step a rerun resumes from). A line torn by a crash in the middle of an
 * append is dropped, once, when the file is opened again. Where the file system cannot append
 * (object stores), the whole file is rewritten atomically through {@link RunFolder} instead.
 */
public final class MetricsLog {
    public static final String FILE = "metrics.jsonl";
    static final long WRITE_EVERY_MILLIS = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunFolder run;
    private final Configuration conf;
    private final List<String> lines;
    /** How many of {@link #lines} the file holds; the rest wait for the next append. */
    private int written;
    private final int attemptsBefore;
    private int attempt;
    private long lastWrite;
    private boolean appendable = true;

    private MetricsLog(RunFolder run, Configuration conf, List<String> earlier) {
        this.run = run;
        this.conf = conf;
        this.lines = new ArrayList<>(earlier);
        this.written = earlier.size();
        int highest = 0;
        for (String line : earlier) highest = Math.max(highest, attemptOf(line));
        this.attemptsBefore = highest;
        this.attempt = highest + 1;
    }

    /** The run folder's metrics, with the lines an earlier run or attempt wrote. */
    public static MetricsLog open(RunFolder run, Configuration conf) {
        List<String> earlier = new ArrayList<>();
        if (run.exists(conf, FILE)) {
            String text;
            try {
                text = run.readText(conf, FILE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + run.path(FILE) + " to keep its lines: " + e.getMessage(), e);
            }
            for (String line : text.split("\n")) {
                if (!line.isBlank()) earlier.add(line);
            }
            if (!text.isEmpty() && !text.endsWith("\n")) { // a crash during an append: appending after it would glue two lines
                earlier.remove(earlier.size() - 1);
                MetricsLog log = new MetricsLog(run, conf, earlier);
                log.rewrite();
                return log;
            }
        }
        return new MetricsLog(run, conf, earlier);
    }
    /** This job's {@code n}-th attempt (from 1) is recorded as the attempt after the last one in the file. */
    public synchronized void attempt(int n) {
        attempt = attemptsBefore + n;
    }

    /** Adds a line (a JSON object; anything else is kept as it is) and writes the file if it is due. */
    public synchronized void add(String line) {
        ObjectNode object = object(line);
        boolean writeNow = false;
        if (object == null) {
            lines.add(line);
        } else {
            if (!object.has("attempt")) object.put("attempt", attempt);
            if (!object.has("time")) object.put("time", Instant.now().toString());
            writeNow = object.path("type").asText().equals("epoch") || object.path("type").asText().equals("checkpoint");
            lines.add(object.toString());
        }
        if (writeNow || System.currentTimeMillis() - lastWrite >= WRITE_EVERY_MILLIS) flush();
    }

    /** Appends the lines not written yet. */
    public synchronized void flush() {
        lastWrite = System.currentTimeMillis();
        if (written == lines.size()) return;
        if (appendable) {
            try {
                run.appendText(conf, FILE, joined(lines.subList(written, lines.size())));
                written = lines.size();
                return;
            } catch (UnsupportedOperationException e) {
                appendable = false;
            }
        }
        rewrite();
    }

    /** Writes every line, replacing the file atomically (a reader sees the old file or the new one). */
    private void rewrite() {
        run.writeText(conf, FILE, joined(lines));
        written = lines.size();
    }

    private static String joined(List<String> lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) text.append(line).append('\n');
        return text.toString();
    }

    /** Every line, the earlier runs' first. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    private static ObjectNode object(String line) {
        try {
            return JSON.readTree(line) instanceof ObjectNode object ? object : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int attemptOf(String line) {
        try {
            return JSON.readTree(line).path("attempt").asInt(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
