package io.ringtrain.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launchers' class-data-sharing archive (ringtrain-env.sh, {@code ringtrain_cds_flags}): the first
 * start writes it under a name of its own, a later start checks it and renames it into place, and
 * from then on both ringtrain-local and the spark-submit wrapper map our classes from it. Only the dump
 * of a start that ran a Spark job and succeeded is kept (it marks it, ID.PID.tmp.ok): a start refused
 * for bad input, or one that needs no Spark, leaves a dump that the next start throws away. An archive
 * left half-written (its JVM killed while it dumped) is thrown away, never mapped.
 *
 * <p>The starts here are augment-preview, a real command that needs no Spark, and help. The tests
 * that begin where a first start left off begin from a copy of one finished dump, written once for the
 * class and marked here as a Spark job marks its own: a Spark job with no archive costs tens of
 * seconds of CPU, and DocumentedCommandsIT already shows the README's default job marking its dump on
 * a fresh build.
 */
class LauncherClassDataSharingIT {
    private static final String MAPPED_FROM_ARCHIVE = "io.ringtrain.jobs.cli.RingtrainCli source: shared objects file (top)";

    private static final Path ROOT = ProjectFiles.root();

    /** A first start's finished dump (ID.PID.tmp, its JVM gone, marked), as {@link #writeOneDump} left it. */
    private static Path finishedDump;
    /** The claim on the dump that first start left behind (ID.dumping, its PID). */
    private static Path firstClaim;

    private record Result(int status, String output) {}

    /** The first start dumps the classes it loaded, unmarked (it ran no Spark job); marked here, it is the dump a Spark job leaves. */
    @BeforeAll
    static void writeOneDump(@TempDir Path cds) throws Exception {
        Result first = preview(cds);
        assertEquals(0, first.status(), first.output());
        finishedDump = single(cds, ".tmp");
        assertEquals(List.of(), files(cds, ".ok"), "augment-preview ran no Spark job: its dump is unmarked");
        assertEquals(List.of(), files(cds, ".jsa"), "the archive is not in place before a later start checked it");
        Files.createFile(marker(finishedDump));
        firstClaim = single(cds, ".dumping");
    }

    /** {@code cds} as a first start leaves it: a copy of {@link #finishedDump} and its marker, under their names. */
    private static Path withFinishedDump(Path cds) throws IOException {
        Files.createDirectories(cds);
        Files.copy(marker(finishedDump), cds.resolve(marker(finishedDump).getFileName()));
        return Files.copy(finishedDump, cds.resolve(finishedDump.getFileName()));
    }

    private static Path marker(Path dump) {
        return dump.resolveSibling(dump.getFileName() + ".ok");
    }

    /** The archive ID of this build's launchers: the name of {@link #finishedDump} without its PID. */
    private static String archiveId() {
        return finishedDump.getFileName().toString().replaceFirst("\\.\\d+\\.tmp$", "");
    }

    @Test
    void theNextStartPutsAMarkedDumpInPlaceAndLaterStartsOfBothLaunchersMapIt(@TempDir Path cds) throws Exception {
        Path written = withFinishedDump(cds);
        Files.copy(firstClaim, cds.resolve(firstClaim.getFileName()));

        Result wrapper = run(cds, Map.of("RINGTRAIN_JAVA_OPTS", "-Xmx1g -Xlog:class+load=info"),
                "deploy/bin/ringtrain", "--master", "local[1]", "--", "train", "--help");
        assertEquals(0, wrapper.status(), wrapper.output());
        assertEquals(List.of(), files(cds, ".tmp"), "the finished archive was renamed into place");
        assertEquals(List.of(), files(cds, ".ok"), "its marker went with it");
        Path archive = single(cds, ".jsa");
        assertEquals(written.getFileName().toString().replaceFirst("\\.\\d+\\.tmp$", ".jsa"), archive.getFileName().toString());
        assertTrue(wrapper.output().contains(MAPPED_FROM_ARCHIVE), "the spark-submit wrapper maps our classes from the archive:\n" + head(wrapper.output()));

        Result local = run(cds, Map.of("RINGTRAIN_JAVA_OPTS", "-Xmx1g -Xlog:class+load=info"), "deploy/bin/ringtrain-local", "train", "--help");
        assertEquals(0, local.status(), local.output());
        assertTrue(local.output().contains(MAPPED_FROM_ARCHIVE), "ringtrain-local maps our classes from the archive:\n" + head(local.output()));
        assertEquals(List.of(), files(cds, ".dumping"), "the first start's claim on the dump goes once the archive is in place");
    }

    /**
     * A start refused for bad input, and one that needs no Spark, each dump what they loaded (a few
     * thousand classes) and leave it unmarked: the next start throws it away, so no later start maps
     * an archive without Spark's classes, and the next start that may dumps instead.
     */
    @Test
    void theDumpOfAStartThatFailedOrRanNoSparkJobIsThrownAway(@TempDir Path cds) throws Exception {
        Result refused = run(cds, Map.of(), "deploy/bin/ringtrain-local", "train", "--model", "resnet51", "--data", "data/fashion-mnist-sample",
                "--run-dir", cds.resolve("run").toString());
        assertEquals(2, refused.status(), refused.output());
        Path refusedDump = single(cds, ".tmp");
        assertEquals(List.of(), files(cds, ".ok"), "bad input leaves its dump unmarked");

        assertEquals(0, preview(cds).status());
        assertFalse(Files.exists(refusedDump), "the refused start's dump is thrown away");
        Path previewDump = single(cds, ".tmp");
        assertEquals(List.of(), files(cds, ".ok"), "augment-preview ran no Spark job: its dump is unmarked");

        Result help = run(cds, Map.of(), "deploy/bin/ringtrain-local", "train", "--help");
        assertEquals(0, help.status(), help.output());
        assertFalse(Files.exists(previewDump), "augment-preview's dump is thrown away");
        assertEquals(List.of(), files(cds, ".jsa"), "no archive is put in place");
    }

    /**
     * Two first starts at once (a cluster's master and workers, two lanes of commands): one claims the
     * dump and writes the archive as it exits, the other runs without one, as a second dump would cost
     * as much CPU and only one is kept.
     */
    @Test
    void twoFirstStartsAtOnceWriteOneArchive(@TempDir Path cds) throws Exception {
        List<ProcessBuilder> both = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            both.add(builder(cds, Map.of(), "deploy/bin/ringtrain-local", "augment-preview", "--data", "data/fashion-mnist-sample/train-images-idx3-ubyte.gz",
                    "--out", cds.resolve("preview-" + i + ".png").toString()));
        }
        for (Result r : runAtOnce(both)) assertEquals(0, r.status(), r.output());
        assertEquals(1, files(cds, ".tmp").size() + files(cds, ".jsa").size(), "one dump of the two starts: " + files(cds, ""));
    }

    /**
     * A folder that links the checkout's deploy/ in (as DocumentedCommandsIT lays out its scratch
     * folder, or a user's own link) starts the same class path, so it maps the archive the checkout's
     * start wrote instead of writing another.
     */
    @Test
    void aStartThroughALinkedDeployFolderMapsTheCheckoutsArchive(@TempDir Path tmp) throws Exception {
        Path cds = tmp.resolve("cds");
        withFinishedDump(cds);
        Path linked = Files.createDirectories(tmp.resolve("linked"));
        Files.createSymbolicLink(linked.resolve("deploy"), ROOT.resolve("deploy"));

        Result r = runAtOnce(List.of(builder(cds, Map.of("RINGTRAIN_JAVA_OPTS", "-Xmx1g -Xlog:class+load=info"), "deploy/bin/ringtrain-local", "train", "--help")
                .directory(linked.toFile()))).get(0);
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().contains(MAPPED_FROM_ARCHIVE), "the start through the link maps the checkout's archive:\n" + head(r.output()));
    }

    /** A start that claimed the dump and is gone without writing it (killed) leaves the claim to the next start, which dumps. */
    @Test
    void aClaimWhoseStartIsGoneWithoutADumpPassesToTheNextStart(@TempDir Path cds) throws Exception {
        String gone = Long.toString(exitedPid());
        Path claim = Files.writeString(cds.resolve(archiveId() + ".dumping"), gone + "\n");   // as when the claiming JVM was killed before it dumped

        assertEquals(0, preview(cds).status());
        Path written = single(cds, ".tmp");
        assertTrue(written.getFileName().toString().startsWith(archiveId() + "."), "the next start took the claim over and wrote the archive: " + written);
        assertNotEquals(gone, Files.readString(claim).strip(), "the claim names the start that took it over");
    }

    @Test
    void aHalfWrittenArchiveIsThrownAwayAndWrittenAgain(@TempDir Path cds) throws Exception {
        Path written = withFinishedDump(cds);
        assertTrue(written.toFile().setWritable(true), "the JVM writes the archive read-only");
        try (RandomAccessFile file = new RandomAccessFile(written.toFile(), "rw")) {
            file.setLength(file.length() / 2);   // as when the JVM that dumped it was killed halfway
        }

        Result next = preview(cds);
        assertEquals(0, next.status(), "the next start runs as if there were no archive:\n" + next.output());
        assertEquals(List.of(), files(cds, ".jsa"), "the half-written archive is not put in place");
        assertNotEquals(written, single(cds, ".tmp"), "the half-written archive is gone and the next start wrote a new one");
        assertFalse(Files.exists(marker(written)), "and its marker with it");
    }

    /**
     * Two starts at once after the first one's dump (DocumentedCommandsIT's two lanes, or a user's two
     * terminals) both check the finished archive and both rename it: the second finds it gone, which
     * must not fail its command, and the archive is in place once.
     */
    @Test
    void twoStartsAtOnceBothCheckTheFinishedArchiveAndBothRun(@TempDir Path cds) throws Exception {
        withFinishedDump(cds);
        ProcessBuilder help = builder(cds, Map.of(), "deploy/bin/ringtrain-local", "train", "--help");
        for (Result r : runAtOnce(List.of(help, help))) {
            assertEquals(0, r.status(), r.output());
            assertTrue(r.output().contains("--replicas"), r.output());
        }
        assertEquals(List.of(), files(cds, ".tmp"), "the checked archive was renamed into place");
        single(cds, ".jsa");
    }

    /**
     * A JVM that started before its archive was in place (a long training) dumps its own when it exits:
     * the next start removes that dump, 150 MB that nothing would map, and leaves another ID's dump,
     * whose archive is not in place, for that ID's own start to check.
     */
    @Test
    void aDumpThatFinishesBesideItsArchiveIsRemovedByTheNextStart(@TempDir Path cds) throws Exception {
        withFinishedDump(cds);
        Result check = run(cds, Map.of(), "deploy/bin/ringtrain-local", "train", "--help");
        assertEquals(0, check.status(), check.output());
        Path archive = single(cds, ".jsa");
        String id = archive.getFileName().toString().replaceFirst("\\.jsa$", "");
        long gone = exitedPid();
        Path late = Files.writeString(cds.resolve(id + "." + gone + ".tmp"), "a dump written after the archive was in place");
        Path otherId = Files.writeString(cds.resolve("0123456789abcdef0123." + gone + ".tmp"), "another class path's dump");

        Result next = run(cds, Map.of(), "deploy/bin/ringtrain-local", "train", "--help");
        assertEquals(0, next.status(), next.output());
        assertFalse(Files.exists(late), "the late dump beside its archive is removed");
        assertTrue(Files.exists(otherId), "another ID's dump waits for its own start");
        assertEquals(archive, single(cds, ".jsa"));
    }

    /** The pid of a process that has exited (a dump's JVM that is gone). */
    private static long exitedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor());
        return p.pid();
    }

    @Test
    void aStartThatOnlyPrintsHelpWritesNoArchive(@TempDir Path cds) throws Exception {
        Result help = run(cds, Map.of(), "deploy/bin/ringtrain-local", "train", "--help");
        assertEquals(0, help.status(), help.output());
        assertTrue(help.output().contains("--replicas"), help.output());
        assertEquals(List.of(), files(cds, ""), "help loads too few classes to be worth an archive");
    }

    @Test
    void noArchiveWhenTurnedOff(@TempDir Path tmp) throws Exception {
        Path cds = tmp.resolve("cds");
        Result r = run(cds, Map.of("RINGTRAIN_CDS", "0"), "deploy/bin/ringtrain-local", "augment-preview", "--data",
                "data/fashion-mnist-sample/train-images-idx3-ubyte.gz", "--out", tmp.resolve("preview.png").toString());
        assertEquals(0, r.status(), r.output());
        assertFalse(Files.exists(cds), "RINGTRAIN_CDS=0 writes nothing");
    }

    /**
     * README's augment-preview, its picture written into the archive folder, where the launchers
     * touch only their own files (*.jsa, *.tmp, *.dumping): the test's temporary folder removes it,
     * where a picture beside that folder stayed behind in the system's temporary folder.
     */
    private static Result preview(Path cds) throws Exception {
        return run(cds, Map.of(), "deploy/bin/ringtrain-local", "augment-preview", "--data", "data/fashion-mnist-sample/train-images-idx3-ubyte.gz",
                "--out", cds.resolve("preview.png").toString());
    }

    private static Result run(Path cds, Map<String, String> env, String... command) throws Exception {
        return runAtOnce(List.of(builder(cds, env, command))).get(0);
    }

    /** Starts every command before waiting for any, then collects each one's status and output. */
    private static List<Result> runAtOnce(List<ProcessBuilder> commands) throws Exception {
        List<Process> started = new ArrayList<>();
        for (ProcessBuilder command : commands) started.add(command.start());
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < started.size(); i++) {
            Process p = started.get(i);
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(commands.get(i).command() + " did not finish in 120 s");
            }
            results.add(new Result(p.exitValue(), new String(out)));
        }
        return results;
    }

    private static ProcessBuilder builder(Path cds, Map<String, String> env, String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().remove("SPARK_HOME");   // the wrapper's bundled Spark, whose JVM the launcher starts
        pb.environment().putAll(Map.of("RINGTRAIN_NO_BUILD", "1", "RINGTRAIN_JAVA_OPTS", "-Xmx1g", "RINGTRAIN_CDS_DIR", cds.toString()));
        pb.environment().putAll(env);
        return pb;
    }

    private static Path single(Path dir, String suffix) throws IOException {
        List<Path> found = files(dir, suffix);
        assertEquals(1, found.size(), "one *" + suffix + " in " + dir + ": " + found);
        return found.get(0);
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static String head(String output) {
        return output.lines().limit(40).reduce("", (a, b) -> a + b + "\n");
    }
}
