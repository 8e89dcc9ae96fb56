package io.ringtrain.engine.examples;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's shared data folder ({@code shared/data}, beside or above the working directory). */
public final class SharedData {
    private SharedData() {}

    /**
     * Resolves {@code relative} (e.g. "tinyshakespeare/input.txt") under the first {@code shared/data}
     * found walking up from {@code -Dringtrain.root} or the working directory.
     */
    public static Path find(String relative) {
        String start = System.getProperty("ringtrain.root", System.getProperty("user.dir"));
        for (Path dir = Path.of(start).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir.resolve("shared/data").resolve(relative), dir.resolve("../shared/data").resolve(relative).normalize()}) {
                if (Files.isRegularFile(candidate)) return candidate;
            }
        }
        throw new IllegalStateException("shared/data/" + relative + " not found above " + start
                + "; the data lives in ../shared/data beside the project (read-only). Clone it there or set -Dringtrain.root");
    }
}
