package io.ringtrain.deploy;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launchers against the packaged artifact (failsafe runs after {@code package}): the scripts
 * answer --help without Spark. RINGTRAIN_NO_BUILD keeps the scripts from starting a nested Maven
 * build. A ringtrain-local training end to end (exit 0, the test accuracy printed, a model that
 * records the artifact's version) is DocumentedCommandsIT's: the README's mlp run.
 */
class LaunchersIT {
    private final Path root = ProjectFiles.root();

    private record Result(int status, String output) {}

    private Result run(List<String> command, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("RINGTRAIN_NO_BUILD", "1");
        pb.environment().put("RINGTRAIN_JAVA_OPTS", ProjectFiles.launcherJavaOpts("1g"));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), new String(out));
    }

    @Test
    void theShadedJarStartsTheCommandLineAndLeavesSparkToTheCluster() throws IOException {
        try (JarFile jar = new JarFile(root.resolve("deploy/target/ringtrain.jar").toFile())) {
            assertEquals(ProjectFiles.MAIN_CLASS, jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertNotNull(jar.getManifest().getMainAttributes().getValue("Implementation-Version"), "models record the code version from it");
            assertNotNull(jar.getEntry("io/ringtrain/jobs/retrain/RetrainJob.class"));
            assertNotNull(jar.getEntry("io/ringtrain/engine/Tensor.class"));
            assertNotNull(jar.getEntry("picocli/CommandLine.class"));
            assertNotNull(jar.getEntry("com/fasterxml/jackson/dataformat/yaml/YAMLFactory.class"), "--model-spec, --augment and --config read YAML");
            assertNotNull(jar.getEntry("org/yaml/snakeyaml/LoaderOptions.class"), "with the snakeyaml that jackson-dataformat-yaml was built against");
            assertEquals(null, jar.getEntry("org/apache/spark/SparkContext.class"), "Spark is provided by the cluster");
        }
        try (var lib = Files.list(root.resolve("deploy/target/lib"))) {
            assertTrue(lib.anyMatch(p -> p.getFileName().toString().startsWith("spark-core_2.13-")), "the local flavour bundles Spark");
        }
    }

    @Test
    void everyLauncherAnswersHelp() throws Exception {
        for (String script : List.of("ringtrain", "ringtrain-local", "ringtrain-cluster", "ringtrain-hosts", "ringtrain-plan", "bench")) {
            Result r = run(List.of("deploy/bin/" + script, "--help"), 60);
            assertEquals(0, r.status(), script + " --help: " + r.output());
            assertTrue(r.output().toLowerCase().contains("usage") || r.output().contains("deploy/bin/" + script), script + " --help printed: " + r.output());
            assertTrue(r.output().lines().noneMatch(l -> l.startsWith("set -") || l.startsWith("source ")),
                    script + " --help prints its header comment, not the script's code: " + r.output());
        }
        Result k8s = run(List.of("deploy/k8s/spark-submit-k8s.sh", "--help"), 30);
        assertEquals(0, k8s.status(), k8s.output());
    }

    @Test
    void theSubCommandsAnswerHelpThroughRingtrainLocal() throws Exception {
        Result train = run(List.of("deploy/bin/ringtrain-local", "train", "--help"), 60);
        assertEquals(0, train.status(), train.output());
        assertTrue(train.output().contains("--replicas"), train.output());
        Result retrain = run(List.of("deploy/bin/ringtrain-local", "retrain", "--help"), 60);
        assertEquals(0, retrain.status(), retrain.output());
        assertTrue(retrain.output().contains("--registry") && retrain.output().contains("Exit codes"), retrain.output());
    }

    /**
     * The bundled Fashion-MNIST sample's first {@code train} training and {@code test} test records,
     * as IDX files in {@code dir} (created if missing); returns {@code dir}.
     */
    static Path fashionMnistPrefix(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        Path sample = ProjectFiles.root().resolve("data/fashion-mnist-sample");
        for (String split : List.of("train", "t10k")) {
            for (String file : List.of(split + "-images-idx3-ubyte.gz", split + "-labels-idx1-ubyte.gz")) {
                copyIdxPrefix(sample.resolve(file), dir.resolve(file), split.equals("train") ? train : test);
            }
        }
        return dir;
    }

    /** Writes the first n records of an IDX file (gzip), with the count in the header changed to n. */
    static void copyIdxPrefix(Path from, Path to, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(from)));
             DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(to)))) {
            int magic = in.readInt();
            int dims = magic & 0xff;
            in.readInt();
            out.writeInt(magic);
            out.writeInt(n);
            int recordSize = 1;
            List<Integer> rest = new ArrayList<>();
            for (int d = 1; d < dims; d++) rest.add(in.readInt());
            for (int size : rest) {
                out.writeInt(size);
                recordSize *= size;
            }
            byte[] records = new byte[n * recordSize];
            in.readFully(records);
            out.write(records);
        }
    }
}
