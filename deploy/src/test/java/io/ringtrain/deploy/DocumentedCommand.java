package io.ringtrain.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A launcher command printed in the README or a page of docs/: a line whose command (after any
 * {@code VAR=value} prefixes) starts with {@code deploy/bin/}, joined with its {@code \} continuation
 * lines, its trailing {@code # comment} removed. Tables and prose never start a line that way.
 */
record DocumentedCommand(String file, int line, String text) {
    private static final Pattern ENV_PREFIX = Pattern.compile("^(?:[A-Z_][A-Z0-9_]*=\\S*\\s+)*");

    /** Every command of README.md, then of docs/*.md in name order, each file's in document order. */
    static List<DocumentedCommand> readAll(Path root) throws IOException {
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<DocumentedCommand> commands = new ArrayList<>();
        for (Path file : files) commands.addAll(read(root.relativize(file).toString(), Files.readAllLines(file)));
        return commands;
    }

    static List<DocumentedCommand> read(String file, List<String> lines) {
        List<DocumentedCommand> commands = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String first = lines.get(i).strip();
            if (!ENV_PREFIX.matcher(first).replaceFirst("").startsWith("deploy/bin/")) continue;
            int start = i;
            StringBuilder text = new StringBuilder(withoutComment(first));
            while (text.toString().endsWith("\\") && i + 1 < lines.size()) {
                text.setLength(text.length() - 1);
                text.append(' ').append(withoutComment(lines.get(++i).strip()));
            }
            commands.add(new DocumentedCommand(file, start + 1, text.toString().replaceAll("\\s+", " ").strip()));
        }
        return commands;
    }

    /** The line without a shell comment: a '#' that starts a word outside quotes. */
    static String withoutComment(String line) {
        boolean single = false, dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) single = !single;
            else if (c == '"' && !single) dbl = !dbl;
            else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) return line.substring(0, i).strip();
        }
        return line.strip();
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + text;
    }
}
