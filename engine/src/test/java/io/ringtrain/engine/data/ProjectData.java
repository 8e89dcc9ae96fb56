package io.ringtrain.engine.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data sets committed under the repository's {@code data/} folder, found from a test's working
 * directory (Maven runs each module's tests in the module's folder). A fresh clone has them all;
 * nothing outside the repository is read.
 */
public final class ProjectData {
    private ProjectData() {}

    /** The repository root: the nearest folder above the working directory that holds {@code data/README.md}. */
    public static Path repoRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("data/README.md")) && Files.isRegularFile(p.resolve("pom.xml"))) return p;
        }
        throw new IllegalStateException("no ringtrain checkout (a folder with pom.xml and data/README.md) above " + start
                + ": run the tests from inside the repository");
    }

    /** {@code data/NAME} in the repository, which must exist. */
    public static Path resolve(String name) {
        Path p = repoRoot().resolve("data").resolve(name);
        if (!Files.exists(p)) throw new IllegalStateException(p + " is missing: the repository's data/ folder is incomplete (see data/README.md)");
        return p;
    }

    /** The full Fashion-MNIST: 60,000 training and 10,000 test images as gzip IDX files. */
    public static Path fashionMnist() {
        return resolve("fashion-mnist");
    }

    /** The first 6,000 training and 1,000 test records of Fashion-MNIST, which the default job trains on. */
    public static Path fashionMnistSample() {
        return resolve("fashion-mnist-sample");
    }

    /** tinyshakespeare: 1.1 MB of plain text. */
    public static Path tinyShakespeare() {
        return resolve("tinyshakespeare/input.txt");
    }
}
