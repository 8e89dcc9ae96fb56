package io.ringtrain.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The provider in fresh JVMs: without {@code --add-modules jdk.incubator.vector} the engine must
 * run the scalar kernels, print exactly one warning line naming the flag, and give the reference
 * results; with the flag it must run the Vector API kernels without a warning. Runs
 * {@link KernelProviderProbe} in a child JVM (this JVM already has the module, so the choice
 * cannot be observed in-process).
 */
class ScalarFallbackIT {
    private static final String FLAG = "--add-modules jdk.incubator.vector";

    /** What the child printed: key=value lines on stdout, and stderr's lines. */
    private static final class ProbeRun {
        final Map<String, String> values = new HashMap<>();
        final List<String> stderr;

        ProbeRun(List<String> stdout, List<String> stderr) {
            for (String line : stdout) {
                int eq = line.indexOf('=');
                if (eq > 0) values.put(line.substring(0, eq), line.substring(eq + 1));
            }
            this.stderr = stderr;
        }

        float[] floats(String key) {
            String[] parts = values.get(key).trim().split(" ");
            float[] v = new float[parts.length];
            for (int i = 0; i < parts.length; i++) v[i] = Float.parseFloat(parts[i]);
            return v;
        }

        long warningLines() {
            return stderr.stream().filter(line -> line.contains(FLAG)).count();
        }
    }

    @Test
    void withoutTheVectorModuleTheScalarKernelsRunAndOneWarningNamesTheFlag() throws Exception {
        ProbeRun run = runProbe(false);
        assertEquals("false", run.values.get("vectorized"), "stdout: " + run.values + " stderr: " + run.stderr);
        assertEquals(1, run.warningLines(), "warning lines naming " + FLAG + " in stderr: " + run.stderr);
        // The scalar provider is the reference itself: results are bit-for-bit the reference's.
        float[] expected = new float[KernelProviderProbe.M * KernelProviderProbe.N];
        GemmReference.sgemm(false, false, KernelProviderProbe.M, KernelProviderProbe.N, KernelProviderProbe.K, 1f,
                KernelProviderProbe.problem(1, KernelProviderProbe.M * KernelProviderProbe.K), 0, KernelProviderProbe.K,
                KernelProviderProbe.problem(2, KernelProviderProbe.K * KernelProviderProbe.N), 0, KernelProviderProbe.N,
                0f, expected, 0, KernelProviderProbe.N);
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(run.floats("gemm")));
        float[] x = KernelProviderProbe.problem(3, KernelProviderProbe.LEN);
        float[] y = KernelProviderProbe.problem(4, KernelProviderProbe.LEN), sum = new float[x.length];
        VectorOpsReference.add(x, 0, y, 0, sum, 0, x.length);
        assertEquals(java.util.Arrays.toString(sum), java.util.Arrays.toString(run.floats("add")));
    }

    @Test
    void withTheVectorModuleTheVectorKernelsRunWithoutAWarning() throws Exception {
        ProbeRun run = runProbe(true);
        assertEquals("true", run.values.get("vectorized"), "stdout: " + run.values + " stderr: " + run.stderr);
        assertEquals(0, run.warningLines(), "stderr: " + run.stderr);
        assertTrue(run.values.get("kernels").startsWith("vector"), run.values.get("kernels"));
    }

    @Test
    void scalarKernelsCanBeForcedWithoutAWarning() throws Exception {
        ProbeRun run = runProbe(true, "-D" + VectorSupport.KERNELS_PROPERTY + "=scalar");
        assertEquals("false", run.values.get("vectorized"), "stdout: " + run.values + " stderr: " + run.stderr);
        assertEquals(0, run.warningLines(), "stderr: " + run.stderr);
    }

    private static ProbeRun runProbe(boolean withVectorModule, String... jvmOptions)
            throws IOException, InterruptedException {
        String javaBin = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = location(KernelProviderProbe.class) + File.pathSeparator + location(Gemm.class);
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        if (withVectorModule) command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classPath, KernelProviderProbe.class.getName()));
        Path out = Files.createTempFile("probe", ".out"), err = Files.createTempFile("probe", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("probe JVM did not finish in 60 s: " + command);
            }
            List<String> stdout = Files.readAllLines(out), stderr = Files.readAllLines(err);
            assertEquals(0, process.exitValue(), "probe JVM failed: " + command + "\nstderr: " + stderr);
            return new ProbeRun(stdout, stderr);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String location(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + type.getName(), e);
        }
    }
}
