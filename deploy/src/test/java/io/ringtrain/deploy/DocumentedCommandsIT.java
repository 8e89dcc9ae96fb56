package io.ringtrain.deploy;

import io.ringtrain.engine.io.SafeTensors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every launcher command that README.md and docs/*.md print runs here, as a user would run it: through
 * {@code deploy/bin} on the packaged artifacts (ringtrain-local on {@code deploy/target/lib}, the
 * spark-submit wrapper on the shaded jar with the bundled Spark), with bash, each page's commands in
 * document order, in a scratch folder laid out like a checkout ({@code deploy/}, {@code data/} and
 * {@code docs/examples/} linked in). Each must end with its documented exit status.
 *
 * <p>What is changed, and why, is listed below and nowhere else: {@code /tmp/} becomes a scratch
 * folder of the page's own (so pages do not share state and nothing outside the scratch folder is
 * touched), the local cluster's port is a free one, the launchers' JVMs get a smaller heap, the
 * serial collector and higher compile thresholds ({@link ProjectFiles#launcherJavaOpts}), the JVMs that only coordinate (the local
 * cluster's master and workers, the drivers of jobs on it) the C1 compiler alone
 * ({@link ProjectFiles#COORDINATOR_JIT}), a few long trainings run shorter, and a
 * command that another page prints word for word runs once (when the first has finished). A command
 * that cannot run on one machine is listed in {@link #NOT_RUN} with the reason; a new command in the
 * docs fails this test until it runs here or says why it cannot.
 *
 * <p>The pages run in two lanes at once, as two users of one machine would: most of a command's time
 * is a JVM and a Spark session starting, largely on one thread, so two lanes finish in far less time
 * than one on two cores. The README's first command (the default job, which writes
 * {@code runs/default}) runs alone first, because commands of several pages read that run folder;
 * then {@link #FIRST_LANE}'s pages run in one lane and every other page in the other.
 *
 * <p>The launchers' class-data-sharing archive starts empty here ({@link #classData}), as on a fresh
 * build: the README's default job, a Spark job that succeeds, must write it and mark it worth keeping,
 * and the next command puts it in place (LauncherClassDataSharingIT tests the steps one by one). The
 * documented commands run before the bad-input cases, which then map it; a start refused for bad input
 * would write a dump that the next start throws away, each in turn.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DocumentedCommandsIT {
    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules";

    /** Commands that cannot run here, by a text that identifies them, with the reason. */
    private static final Map<String, String> NOT_RUN = Map.ofEntries(
            Map.entry("--master yarn", "needs a YARN cluster and HDFS"),
            Map.entry("spark://master:7077", "needs the user's standalone cluster and HDFS"),
            Map.entry("spark-master.example.com", "needs the user's standalone cluster and HDFS"),
            Map.entry("deploy/bin/bench ", "a benchmark: minutes per run and PyTorch as its reference; run by hand (README, Benchmarks)"),
            Map.entry("coco/annotations", "needs a COCO download; DetectionDataIT reads a COCO fixture"),
            Map.entry("VOCdevkit", "needs a Pascal VOC download; DetectionDataIT reads a VOC fixture"),
            Map.entry("s3a://bucket", "reads the user's object store"),
            Map.entry("photos.parquet", "reads the user's own Parquet file"),
            Map.entry("examples/custom-model/target", "needs the example's jar, built after deploy; examples/custom-model's MyNetSparkSubmitIT runs these commands"),
            Map.entry("deploy/bin/ringtrain-hosts ", "needs root and network namespaces; MultiHostIT runs these commands where the machine allows"),
            Map.entry("--model resnet18 --data data/fashion-mnist ", "five epochs of ResNet-18 on all of Fashion-MNIST, hours on 2 cores; ZooModelsTrainIT trains its CI-sized version"));

    /**
     * Shorter runs of long trainings: {command text → {from → to}}; the same code path on less work.
     * char-lstm: one epoch instead of four, its 64-character windows starting every 1,024 characters
     * instead of every 64 (a sixteenth of the windows; the model records the stride, so the README's
     * evaluate of runs/shakespeare reads the same windows).
     */
    private static final Map<String, Map<String, String>> SHORTENED = Map.of(
            "--model char-lstm", Map.of("--epochs 4", "--epochs 1 --stride 1024"));

    /**
     * The pages of the first lane: the README, and docs/evaluate-predict.md, whose evaluate writes
     * {@code runs/default/evaluation.json} as the README's does, so the two never run at once.
     */
    private static final Set<String> FIRST_LANE = Set.of("README.md", "docs/evaluate-predict.md");

    /** Documented exit statuses other than 0, by a text that identifies the command. */
    private static final Map<String, Integer> STATUS = Map.of(
            "--margin 0.5", 10);   // docs/deploy.md: "a margin no model clears ... exit code 10"

    private final Path root = ProjectFiles.root();
    /** The launchers' class-data-sharing archive folder (RINGTRAIN_CDS_DIR) of both tests, empty at first. */
    @TempDir
    static Path classData;

    private record Result(int status, String output) {
        /** The lines a user reads, without the JVM's notice that the Vector API module is loaded. */
        List<String> userLines() {
            return output.lines().filter(l -> !l.isBlank() && !l.startsWith(INCUBATOR_WARNING)).toList();
        }
    }

    @Test
    @Order(1)
    void everyDocumentedCommandRunsThroughThePackagedLaunchers(@TempDir Path work) throws Exception {
        List<DocumentedCommand> commands = DocumentedCommand.readAll(root);
        assertTrue(commands.size() >= 20, "the docs print at least 20 launcher commands, found " + commands);
        layOutCheckout(work);
        writePairs(work.resolve("pairs.tsv"));
        int masterPort = freePort();
        Map<String, String> env = new HashMap<>(Map.of(
                "RINGTRAIN_NO_BUILD", "1", "RINGTRAIN_CDS_DIR", classData.toString(),
                "RINGTRAIN_JAVA_OPTS", ProjectFiles.launcherJavaOpts("2g"), "RINGTRAIN_WORKER_MEMORY", "1g",
                "SPARK_DAEMON_JAVA_OPTS", ProjectFiles.DAEMON_JAVA_OPTS, "RINGTRAIN_CLUSTER_DIR", work.resolve("cluster").toString(),
                "RINGTRAIN_MASTER_PORT", Integer.toString(masterPort), "RINGTRAIN_MASTER_UI_PORT", Integer.toString(freePort())));

        Map<String, String> skipped = new LinkedHashMap<>();
        List<DocumentedCommand> toRun = new ArrayList<>();
        for (DocumentedCommand c : commands) {
            String reason = reasonNotRun(c);
            if (reason != null) skipped.put(c.toString(), reason);
            else toRun.add(c);
        }
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> outputs = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicBoolean clusterStarted = new AtomicBoolean();
        Lane lane = commandsOfLane -> {
            for (DocumentedCommand c : commandsOfLane) {
                String text = adapt(c, work, masterPort);
                if (ran.contains(text)) {   // a page repeats another's command (README's default job, its evaluate): it ran, and passed
                    System.out.printf("[docs] %s:%d ran already, word for word: %s%n", c.file(), c.line(), text);
                    continue;
                }
                if (text.startsWith("deploy/bin/ringtrain-cluster start")) clusterStarted.set(true);
                long t0 = System.nanoTime();
                Map<String, String> commandEnv = env;
                if (text.contains("--master spark://")) {   // a driver whose executors train
                    commandEnv = new HashMap<>(env);
                    commandEnv.put("RINGTRAIN_JAVA_OPTS", ProjectFiles.clusterDriverJavaOpts("2g"));
                }
                Result r = bash(text, work, commandEnv, 900);
                System.out.printf("[docs] %s:%d exit %d in %.0f s: %s%n", c.file(), c.line(), r.status(), (System.nanoTime() - t0) / 1e9, text);
                int expected = STATUS.entrySet().stream().filter(e -> c.text().contains(e.getKey())).map(Map.Entry::getValue).findFirst().orElse(0);
                assertEquals(expected, r.status(), c + "\nran as: " + text + "\n" + r.output());
                ran.add(text);
                outputs.put(text, r.output());
            }
            return null;
        };
        Path launchersArchive;
        ExecutorService lanes = Executors.newFixedThreadPool(2);
        try {
            lane.call(toRun.subList(0, 1));   // README's default job: runs/default, which later commands of several pages read
            launchersArchive = markedDump();
            List<DocumentedCommand> rest = toRun.subList(1, toRun.size());
            Future<Void> first = lanes.submit(() -> lane.call(rest.stream().filter(c -> FIRST_LANE.contains(c.file())).toList()));
            Future<Void> second = lanes.submit(() -> lane.call(rest.stream().filter(c -> !FIRST_LANE.contains(c.file())).toList()));
            awaitLane(first);
            awaitLane(second);
        } finally {
            lanes.shutdownNow();
            if (!lanes.awaitTermination(15, TimeUnit.MINUTES)) fail("a lane of commands still ran 15 minutes after the other ended");
            if (clusterStarted.get()) bash("deploy/bin/ringtrain-cluster stop", work, env, 120);
        }
        skipped.forEach((command, why) -> System.out.println("[docs] not run here (" + why + "): " + command));

        // What the commands promise, read from their outputs.
        var model = SafeTensors.read(work.resolve("runs/default/model.safetensors"));
        assertEquals("fmnist-cnn", model.metadata().get("model"), "the default job trains fmnist-cnn");
        assertTrue(Files.isRegularFile(work.resolve("runs/default/evaluation.json")), "README's evaluate writes evaluation.json");
        assertTrue(Files.size(work.resolve("tmp-README/predictions.csv")) > 0, "README's predict writes the CSV");
        assertTrue(Files.size(work.resolve("preview.png")) > 0, "README's augment-preview writes the PNG");
        assertTrue(Files.isRegularFile(work.resolve("runs/fmnist-augmented/model.safetensors")), "the YAML config's run folder");
        // README's mlp run through ringtrain-local (LaunchersIT's tiny job until this run took it over): the
        // console's test accuracy, and a model that records the packaged artifact's version.
        String mlpRun = outputs.entrySet().stream().filter(e -> e.getKey().contains("--model mlp") && e.getKey().contains("--run-dir runs/mlp-augmented"))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("README's mlp run into runs/mlp-augmented did not run: " + ran));
        assertTrue(mlpRun.contains("test accuracy"), "README's mlp run prints the test accuracy:\n" + mlpRun);
        var mlp = SafeTensors.read(work.resolve("runs/mlp-augmented/model.safetensors"));
        assertEquals("mlp", mlp.metadata().get("model"), "README's --model mlp run");
        try (JarFile jar = new JarFile(root.resolve("deploy/target/ringtrain.jar").toFile())) {
            assertEquals(jar.getManifest().getMainAttributes().getValue("Implementation-Version"), mlp.metadata().get("code_version"),
                    "the model records the artifact's version");
        }
        assertTrue(Files.isRegularFile(work.resolve("runs/shakespeare/vocab.json")), "the text model's vocabulary");
        assertEquals("model-spec", SafeTensors.read(work.resolve("runs/small-cnn/model.safetensors")).metadata().get("model"),
                "README's --model-spec run saves a model that records its layer list");
        assertEquals("v0001", Files.readString(work.resolve("tmp-deploy/fashion/registry/champion")).strip(),
                "docs/deploy.md: the first retrain promotes v0001 and the rejected one leaves it champion");
        assertTrue(ran.stream().anyMatch(t -> t.startsWith("deploy/bin/ringtrain-cluster start")), "the local cluster section ran");
        assertUsersExecutorOptionsKeptBesideRingtrains(work.resolve("cluster"));
        assertTrue(Files.isRegularFile(launchersArchive), "the next command put the default job's dump in place as the launchers' archive: " + files(classData));
        assertEquals(List.of(), files(classData).stream().filter(f -> f.endsWith(".ok")).toList(), "no marker is left: " + files(classData));
    }

    /**
     * The README's default job, the first command on this empty archive folder, dumped the classes it
     * loaded and marked the dump worth keeping (a Spark job that succeeded); returns the archive it becomes.
     */
    private static Path markedDump() throws IOException {
        List<String> dumps = files(classData).stream().filter(f -> f.endsWith(".tmp")).toList();
        assertEquals(1, dumps.size(), "the default job dumped its classes: " + files(classData));
        assertTrue(Files.exists(classData.resolve(dumps.get(0) + ".ok")), "and marked the dump worth keeping: " + files(classData));
        return classData.resolve(dumps.get(0).replaceFirst("\\.\\d+\\.tmp$", ".jsa"));
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * docs/deploy.md's spark-submit wrapper command on the local standalone cluster gives the executors
     * its own {@code spark.executor.extraJavaOptions} ({@code -XX:+UseParallelGC}): each executor JVM
     * that got it also got ringtrain's Vector API flag, read from the command line each worker logged
     * when it launched its executor.
     */
    private static void assertUsersExecutorOptionsKeptBesideRingtrains(Path clusterDir) throws IOException {
        List<String> executorCommands = new ArrayList<>();
        try (Stream<Path> files = Files.walk(clusterDir)) {
            for (Path stderr : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                Files.readAllLines(stderr, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("Spark Executor Command:")).forEach(executorCommands::add);
            }
        }
        List<String> withUsersOption = executorCommands.stream().filter(c -> c.contains("-XX:+UseParallelGC")).toList();
        assertEquals(2, withUsersOption.size(), "the wrapper's two replicas, one executor per worker: " + executorCommands);
        for (String command : executorCommands) {
            assertTrue(command.contains("--add-modules") && command.contains("jdk.incubator.vector"), "ringtrain's Vector API flag: " + command);
        }
    }

    /** Bad input through the packaged launchers: one line that names the offending thing, exit status 2, nothing written. */
    @Test
    @Order(2)
    void badInputIsOneLineAndExitStatusTwo(@TempDir Path work) throws Exception {
        layOutCheckout(work);
        Files.writeString(work.resolve("typo.yaml"), "model: mlp\nepochz: 2\n");
        Files.writeString(work.resolve("bad-spec.yaml"), "transforms:\n  - {type: horizontal_flop}\n");
        // SPARK_LOCAL_IP: spark-submit warns when the host name resolves to loopback, as on some test machines
        Map<String, String> env = Map.of("RINGTRAIN_NO_BUILD", "1", "RINGTRAIN_CDS_DIR", classData.toString(),
                "RINGTRAIN_JAVA_OPTS", ProjectFiles.launcherJavaOpts("1g"), "SPARK_LOCAL_IP", "127.0.0.1");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("deploy/bin/ringtrain-local train --model resnet51 --data data/fashion-mnist-sample --run-dir runs/bad", "resnet51");
        cases.put("deploy/bin/ringtrain-local train --lr nan --data data/fashion-mnist-sample --run-dir runs/bad", "lr");
        cases.put("deploy/bin/ringtrain-local train --lr Infinity --data data/fashion-mnist-sample --run-dir runs/bad", "lr");
        cases.put("deploy/bin/ringtrain-local train --momentum NaN --data data/fashion-mnist-sample --run-dir runs/bad", "momentum");
        cases.put("deploy/bin/ringtrain-local train --config missing.yaml --data data/fashion-mnist-sample --run-dir runs/bad", "missing.yaml");
        cases.put("deploy/bin/ringtrain-local train --config typo.yaml --data data/fashion-mnist-sample --run-dir runs/bad", "epochz");
        cases.put("deploy/bin/ringtrain-local train --augment bad-spec.yaml --data data/fashion-mnist-sample --run-dir runs/bad", "horizontal_flop");
        cases.put("deploy/bin/ringtrain-local augment-preview --data data/fashion-mnist-sample/train-images-idx3-ubyte.gz --spec bad-spec.yaml --out p.png", "horizontal_flop");
        cases.put("deploy/bin/ringtrain-local predict --run-dir runs/none --data data/fashion-mnist-sample --out p.csv", "runs/none");
        cases.put("deploy/bin/ringtrain --master local[1] -- train --model resnet51 --data data/fashion-mnist-sample --run-dir runs/bad", "resnet51");
        cases.put("deploy/bin/ringtrain --master local[1] -- train --model-class com.acme.MissingNet --data data/fashion-mnist-sample --run-dir runs/bad",
                "com.acme.MissingNet");
        for (var c : cases.entrySet()) {
            Result r = bash(c.getKey(), work, env, 300);
            List<String> lines = r.userLines();
            assertEquals(2, r.status(), c.getKey() + ":\n" + r.output());
            assertEquals(1, lines.size(), c.getKey() + " must print one line, printed:\n" + r.output());
            assertTrue(lines.get(0).contains(c.getValue()), c.getKey() + " must name " + c.getValue() + ": " + lines.get(0));
        }
        assertFalse(Files.exists(work.resolve("runs/bad")), "bad settings are refused before anything is written");
        assertFalse(Files.exists(work.resolve("p.png")) || Files.exists(work.resolve("p.csv")), "nothing is written on bad input");
    }

    /** Runs a page's commands in order; fails at the first that ends with another status than its documented one. */
    @FunctionalInterface
    private interface Lane {
        Void call(List<DocumentedCommand> commands) throws Exception;
    }

    /** Waits for a lane, and fails with its own failure (an assertion's message, not a wrapper's). */
    private static void awaitLane(Future<Void> lane) throws Exception {
        try {
            lane.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) throw error;
            if (e.getCause() instanceof Exception exception) throw exception;
            throw e;
        }
    }

    private static String reasonNotRun(DocumentedCommand c) {
        return NOT_RUN.entrySet().stream().filter(e -> c.text().contains(e.getKey())).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** The command as run here; every change is one of those the class comment lists. */
    private static String adapt(DocumentedCommand c, Path work, int masterPort) {
        String stem = c.file().replaceFirst("^docs/", "").replaceFirst("\\.md$", "");
        String text = c.text().replace("/tmp/", work.resolve("tmp-" + stem) + "/")
                .replace("spark://127.0.0.1:7077", "spark://127.0.0.1:" + masterPort);
        for (var shortened : SHORTENED.entrySet()) {
            if (!text.contains(shortened.getKey())) continue;
            for (var change : shortened.getValue().entrySet()) {
                assertTrue(text.contains(change.getKey()), c + " no longer contains " + change.getKey() + ": update SHORTENED");
                text = text.replace(change.getKey(), change.getValue());
            }
        }
        return text;
    }

    /** deploy/ and data/ as in the checkout; docs/ holds only the examples, so what a command writes stays here. */
    private void layOutCheckout(Path work) throws IOException {
        Files.createSymbolicLink(work.resolve("deploy"), root.resolve("deploy"));
        Files.createSymbolicLink(work.resolve("data"), root.resolve("data"));
        Files.createDirectories(work.resolve("docs"));
        Files.createSymbolicLink(work.resolve("docs/examples"), root.resolve("docs/examples"));
        for (String stem : List.of("README", "deploy", "evaluate-predict", "augmentation", "data")) {
            Files.createDirectories(work.resolve("tmp-" + stem));
        }
    }

    /** The README's {@code pairs.tsv}: source TAB target lines (here: short phrases and their reversal), as a user brings. */
    private static void writePairs(Path file) throws IOException {
        Random random = new Random(7);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            StringBuilder phrase = new StringBuilder();
            for (int k = 0, n = 6 + random.nextInt(10); k < n; k++) phrase.append(k > 0 && random.nextInt(5) == 0 ? ' ' : (char) ('a' + random.nextInt(26)));
            lines.append(phrase).append('\t').append(new StringBuilder(phrase).reverse()).append('\n');
        }
        Files.writeString(file, lines);
    }

    private static Result bash(String command, Path dir, Map<String, String> env, long timeoutSeconds) throws Exception {
        Path log = Files.createTempFile(dir, "command-", ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("SPARK_HOME");   // the wrapper uses the bundled Spark, as on a machine without one
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean finished;
        try {
            finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {   // the other lane failed: this command is not left running
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw e;
        }
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(command + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(p.exitValue(), output);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
