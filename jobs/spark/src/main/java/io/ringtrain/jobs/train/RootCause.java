package io.ringtrain.jobs.train;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one failure a user should read out of an exception chain.
 *
 * <p>A training failure arrives wrapped: our own context (TrainingFailedException), Spark's
 * SparkException (whose message repeats the task's exception and its trace, and which may carry
 * no cause at all when the task's exception could not be deserialised), then the task's own chain.
 * The barrier stage reports whichever replica failed first, often a peer that only saw the failing
 * replica hang up. So every exception in the chain, and every exception named inside a message's
 * embedded trace, is a candidate; wrappers (no message of their own, or a message that only repeats
 * an embedded exception) are passed over. The other replicas' failures, attached as suppressed
 * exceptions (see ReplicaFailures), are candidates too. The chosen one is the deepest candidate that names
 * the user's thing (a path, a record, a setting, a device), else the deepest that is not a peer's
 * symptom, else the deepest.
 */
public final class RootCause {
    /** A qualified exception class name, optionally followed by ": message" (as Throwable.toString and stack dumps print them). */
    private static final Pattern EMBEDDED = Pattern.compile("((?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error))(?::\\s(.*))?$");
    /** What a replica sees when another replica died: true, but not the cause. */
    private static final Pattern PEER_SYMPTOM = Pattern.compile(
            "closed the connection|connection reset|broken pipe|killed|cancelled|canceled|barrier task .* finished unsuccessfully",
            Pattern.CASE_INSENSITIVE);
    /** A path (a slash, or a name with an extension), a record or setting we name, or an operating-system resource error. */
    private static final Pattern NAMES_USER_THING = Pattern.compile(
            "/|\\\\|\\.(png|jpe?g|gz|parquet|json|ya?ml|txt|tsv|csv|safetensors|xml)\\b|\\brecord\\b|setting|--[a-z]|no space left|quota|permission denied"
                    + "|read-only file system",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_LENGTH = 500;

    private RootCause() {}

    /** One candidate: an exception's class name and its message's first line. */
    record Candidate(String className, String message) {
        /** The line a user reads: our messages as they are, JDK and library exceptions prefixed with their simple class name. */
        String describe() {
            String simple = className.substring(className.lastIndexOf('.') + 1);
            if (message == null || message.isBlank()) return simple;
            boolean ours = className.startsWith("io.ringtrain.") || className.equals(IllegalArgumentException.class.getName())
                    || className.equals(IllegalStateException.class.getName()) || className.equals(java.io.UncheckedIOException.class.getName())
                    || className.equals(RuntimeException.class.getName());
            String line = ours ? message : simple + ": " + message;
            return line.length() > MAX_LENGTH ? line.substring(0, MAX_LENGTH) + "…" : line;
        }
    }

    /** The message a user reads for {@code e}: see the class comment. */
    public static String message(Throwable e) {
        return pick(candidates(e)).describe();
    }

    /**
     * Whether the failure is bad input: an IllegalArgumentException (the type our checks of settings
     * and data throw) anywhere in the chain, or named in a task's trace Spark passed on. Such a
     * failure repeats on every attempt.
     */
    public static boolean isBadInput(Throwable e) {
        for (Throwable t : chain(e)) {
            if (t instanceof IllegalArgumentException) return true;
            for (Candidate c : embedded(t.getMessage())) {
                if (isIllegalArgument(c.className())) return true;
            }
        }
        return false;
    }

    private static boolean isIllegalArgument(String className) {
        try {
            return IllegalArgumentException.class.isAssignableFrom(Class.forName(className, false, RootCause.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError notLoadable) {
            return className.endsWith("IllegalArgumentException");
        }
    }

    static List<Candidate> candidates(Throwable e) {
        List<Candidate> out = new ArrayList<>();
        Throwable deepest = null;
        for (Throwable t : chain(e)) {
            deepest = t;
            String message = t.getMessage();
            List<Candidate> embedded = embedded(message);
            boolean wrapper = message == null || message.isBlank() || !embedded.isEmpty()
                    || t.getCause() != null && message.equals(t.getCause().toString());
            if (!wrapper) out.add(new Candidate(t.getClass().getName(), firstLine(message)));
            out.addAll(embedded);
        }
        if (out.isEmpty()) out.add(new Candidate(deepest.getClass().getName(), firstLine(deepest.getMessage())));
        return withoutRepeats(out);
    }

    /**
     * {@code e}, its causes, then the exceptions suppressed by any of them (the other replicas'
     * failures TrainJob attaches) with their causes: each exception once.
     */
    private static List<Throwable> chain(Throwable e) {
        List<Throwable> out = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = e; t != null && seen.put(t, true) == null; t = t.getCause()) out.add(t);
        for (int i = 0; i < out.size(); i++) {
            for (Throwable suppressed : out.get(i).getSuppressed()) {
                for (Throwable t = suppressed; t != null && seen.put(t, true) == null; t = t.getCause()) out.add(t);
            }
        }
        return out;
    }

    /** The exceptions a message names on its lines ("Lost task ...: java.io.IOException: ...", "Caused by: ..."), outermost first. */
    static List<Candidate> embedded(String message) {
        List<Candidate> out = new ArrayList<>();
        if (message == null) return out;
        for (String line : message.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("at ") || trimmed.startsWith("...")) continue;
            Matcher m = EMBEDDED.matcher(trimmed);
            if (m.find()) {
                String inner = m.group(2);
                if (inner == null || inner.isBlank() || !embedded(inner).isEmpty()) {
                    if (inner != null) out.addAll(embedded(inner));
                    continue; // a wrapper line: "java.lang.RuntimeException: java.io.IOException: x" names the inner one
                }
                out.add(new Candidate(m.group(1), inner.strip()));
            }
        }
        return out;
    }

    /** Drops a candidate whose message an outer one already quotes ("cannot decode a.jpg: No image data"): the outer says more. */
    private static List<Candidate> withoutRepeats(List<Candidate> candidates) {
        List<Candidate> kept = new ArrayList<>();
        for (Candidate c : candidates) {
            boolean quoted = c.message() != null && !c.message().isBlank()
                    && kept.stream().anyMatch(outer -> outer.message() != null && outer.message().contains(c.message()));
            if (!quoted) kept.add(c);
        }
        return kept;
    }

    static Candidate pick(List<Candidate> candidates) {
        Candidate best = null;
        int bestScore = -1;
        for (Candidate c : candidates) {
            int score = score(c);
            if (score >= bestScore) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    private static int score(Candidate c) {
        if (c.message() == null) return 0;
        if (PEER_SYMPTOM.matcher(c.message()).find()) return 0;
        return NAMES_USER_THING.matcher(c.message()).find() ? 2 : 1;
    }

    private static String firstLine(String message) {
        if (message == null) return null;
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
