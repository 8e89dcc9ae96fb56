package io.ringtrain.engine.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the project's shared data folder ({@code shared/data}, beside or above the checkout). */
public final class SharedData {
    private SharedData() {}

    /** {@code shared/data/fashion-mnist}, found by walking up from the working directory; fails with a clear message if absent. */
    public static Path fashionMnist() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            for (Path candidate : new Path[] {p.resolve("shared/data/fashion-mnist"), p.resolve("../shared/data/fashion-mnist")}) {
                if (Files.isRegularFile(candidate.resolve("t10k-labels-idx1-ubyte.gz"))) return candidate.normalize();
            }
        }
        throw new IllegalStateException("shared/data/fashion-mnist not found above " + start
                + ": the tests expect the shared data folder beside the checkout (../shared/data/fashion-mnist with the four IDX .gz files)");
    }
}
