package io.ringtrain.jobs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evaluate and predict command lines; bad arguments fail before Spark starts, so no Spark here. */
class EvaluatePredictCommandTest {
    @TempDir
    Path tmp;

    @Test
    void helpOfEachSubCommandExitsZeroAndListsItsOptions() {
        for (String command : new String[] {"evaluate", "predict"}) {
            CliRun r = run(command, "--help");
            assertEquals(0, r.code(), command + " --help");
            for (String option : new String[] {"--run-dir", "--weights", "--model", "--data", "--format", "--master"}) {
                assertTrue(r.out().contains(option), command + " --help lists " + option + ":\n" + r.out());
            }
        }
        assertTrue(run("predict", "--help").out().contains("--out"));
    }

    @Test
    void aMissingDataPathExitsNonZeroNamingThePath() throws Exception {
        Path runDir = Files.createDirectories(tmp.resolve("run"));
        String missing = tmp.resolve("no-such-data").toString();
        for (String[] args : new String[][] {
                {"evaluate", "--run-dir", runDir.toString(), "--data", missing},
                {"predict", "--run-dir", runDir.toString(), "--data", missing, "--out", tmp.resolve("p.parquet").toString()}}) {
            CliRun r = run(args);
            assertNotEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.err().contains(missing) && r.err().contains("does not exist"), r.err());
        }
    }

    @Test
    void aMissingRunFolderOrNoModelAtAllIsNamed() {
        String missing = tmp.resolve("no-run").toString();
        CliRun r = run("evaluate", "--run-dir", missing, "--data", tmp.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--run-dir " + missing), r.err());

        CliRun none = run("predict", "--data", tmp.toString(), "--out", tmp.resolve("o").toString());
        assertNotEquals(0, none.code());
        assertTrue(none.err().contains("--run-dir") && none.err().contains("--weights"), none.err());
    }

    @Test
    void aMissingRequiredOptionIsAUsageError() {
        CliRun r = run("predict", "--run-dir", tmp.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--data") && r.err().contains("--out"), r.err());
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }
}
