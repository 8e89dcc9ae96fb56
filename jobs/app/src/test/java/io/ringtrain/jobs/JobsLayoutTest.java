package io.ringtrain.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules of the {@code jobs/} modules that the compiler does not check on its own, read from the
 * main sources (comments and string literals left out):
 * <ul>
 *   <li>{@code jobs/augment} names no Spark, Hadoop or Scala type and no other jobs package, so it stays
 *       usable without Spark even if a Spark dependency crept into its pom;</li>
 *   <li>the top-level jobs packages ({@code io.ringtrain.jobs.X}, sub-packages counted with X) form no
 *       cycle, so each can be read, tested and moved from the bottom up;</li>
 *   <li>each package lives in one module, so a package directory moves as a whole.</li>
 * </ul>
 */
class JobsLayoutTest {
    private static final List<String> MODULES = List.of("augment", "spark", "app");
    private static final Pattern JOBS_PACKAGE = Pattern.compile("\\bio\\.ringtrain\\.jobs\\.([a-z][a-z0-9_]*)");
    private static final Pattern SPARK_TYPES = Pattern.compile("\\b(org\\.apache\\.spark|org\\.apache\\.hadoop|scala)\\.[a-zA-Z]");

    @Test
    void augmentNamesNoSparkTypeAndNoOtherJobsPackage() {
        List<String> offences = new ArrayList<>();
        for (Path file : mainSources("augment")) {
            String code = withoutCommentsAndStrings(read(file));
            Matcher spark = SPARK_TYPES.matcher(code);
            while (spark.find()) offences.add(file.getFileName() + " names " + spark.group(1));
            Matcher jobs = JOBS_PACKAGE.matcher(code);
            while (jobs.find()) {
                if (!jobs.group(1).equals("augment")) offences.add(file.getFileName() + " names io.ringtrain.jobs." + jobs.group(1));
            }
        }
        assertEquals(List.of(), offences, "jobs/augment must stay free of Spark and of the layers above it: move the code that needs them to jobs/spark or jobs/app");
    }

    @Test
    void jobsPackagesFormNoCycle() {
        Map<String, Map<String, Path>> uses = new TreeMap<>();
        for (String module : MODULES) {
            for (Path file : mainSources(module)) {
                String from = topLevelPackage(module, file);
                Matcher m = JOBS_PACKAGE.matcher(withoutCommentsAndStrings(read(file)));
                while (m.find()) {
                    if (!m.group(1).equals(from)) uses.computeIfAbsent(from, k -> new TreeMap<>()).putIfAbsent(m.group(1), file.getFileName());
                }
            }
        }
        assertEquals(List.of(), cycle(uses), "a package cycle between jobs packages (each arrow: package -> package it names, in the file shown)");
    }

    @Test
    void cycleFinderReportsACycleWithTheFilesThatCloseIt() {
        Map<String, Map<String, Path>> uses = Map.of(
                "augment", Map.of("data", Path.of("AugmentPreview.java")),
                "data", Map.of("augment", Path.of("DataSources.java"), "run", Path.of("Sharding.java")));

        List<String> found = cycle(uses);

        assertEquals(List.of("augment -> data (AugmentPreview.java)", "data -> augment (DataSources.java)"), found);
    }

    @Test
    void eachJobsPackageLivesInOneModule() {
        Map<String, Set<String>> modulesOf = new TreeMap<>();
        for (String module : MODULES) {
            for (Path file : mainSources(module)) {
                String pkg = packageDir(module, file).toString().replace('/', '.');
                modulesOf.computeIfAbsent(pkg, k -> new TreeSet<>()).add(module);
            }
        }
        assertTrue(modulesOf.containsKey("io.ringtrain.jobs.cli") && modulesOf.containsKey("io.ringtrain.jobs.augment"), "the scan found the jobs sources: " + modulesOf.keySet());
        modulesOf.forEach((pkg, modules) -> assertEquals(1, modules.size(), pkg + " is split across jobs/" + String.join(", jobs/", modules) + ": move the whole package into one module"));
    }

    /** The first cycle in a depth-first walk, as its arrows with the file that makes each; empty when there is none. */
    static List<String> cycle(Map<String, Map<String, Path>> uses) {
        List<String> path = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : new TreeSet<>(uses.keySet())) {
            List<String> found = walk(start, uses, path, done);
            if (!found.isEmpty()) return found;
        }
        return List.of();
    }

    private static List<String> walk(String pkg, Map<String, Map<String, Path>> uses, List<String> path, Set<String> done) {
        int seen = path.indexOf(pkg);
        if (seen >= 0) {
            List<String> loop = new ArrayList<>(path.subList(seen, path.size()));
            loop.add(pkg);
            List<String> arrows = new ArrayList<>();
            for (int i = 0; i + 1 < loop.size(); i++) {
                arrows.add(loop.get(i) + " -> " + loop.get(i + 1) + " (" + uses.get(loop.get(i)).get(loop.get(i + 1)) + ")");
            }
            return arrows;
        }
        if (done.contains(pkg)) return List.of();
        path.add(pkg);
        for (String next : new TreeSet<>(uses.getOrDefault(pkg, Map.of()).keySet())) {
            List<String> found = walk(next, uses, path, done);
            if (!found.isEmpty()) return found;
        }
        path.remove(path.size() - 1);
        done.add(pkg);
        return List.of();
    }

    /** The source text with comments, string and character literals (text blocks too) blanked out. */
    static String withoutCommentsAndStrings(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0, n = source.length();
        while (i < n) {
            if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') i++;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                code.append(' ');
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                while (end > 0 && source.charAt(end - 1) == '\\') end = source.indexOf("\"\"\"", end + 1);
                i = end < 0 ? n : end + 3;
                code.append("\"\"");
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i++);
                while (i < n && source.charAt(i) != quote) i += source.charAt(i) == '\\' ? 2 : 1;
                i++;
                code.append(quote).append(quote);
            } else {
                code.append(source.charAt(i++));
            }
        }
        return code.toString();
    }

    @Test
    void commentsAndStringsAreNotDependencies() {
        String source = """
                /** see {@link io.ringtrain.jobs.cli.RingtrainCli} */
                class A { // io.ringtrain.jobs.data
                    String s = "io.ringtrain.jobs.run \\" io.ringtrain.jobs.ml";
                    io.ringtrain.jobs.train.TrainJob job;
                }
                """;

        Matcher m = JOBS_PACKAGE.matcher(withoutCommentsAndStrings(source));

        List<String> named = new ArrayList<>();
        while (m.find()) named.add(m.group(1));
        assertEquals(List.of("train"), named);
    }

    private static String topLevelPackage(String module, Path file) {
        Path pkg = packageDir(module, file);
        return pkg.getNameCount() > 3 ? pkg.getName(3).toString() : "";
    }

    /** The file's package as a path below src/main/java, e.g. io/ringtrain/jobs/augment/spec. */
    private static Path packageDir(String module, Path file) {
        return mainRoot(module).relativize(file.getParent());
    }

    private static List<Path> mainSources(String module) {
        try (Stream<Path> files = Files.walk(mainRoot(module))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path mainRoot(String module) {
        return jobsDir().resolve(module).resolve("src/main/java");
    }

    private static Path jobsDir() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("jobs/augment/src/main/java"))) return p.resolve("jobs");
        }
        throw new AssertionError("no jobs/augment/src/main/java above " + System.getProperty("user.dir") + "; run the tests from the project checkout");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
