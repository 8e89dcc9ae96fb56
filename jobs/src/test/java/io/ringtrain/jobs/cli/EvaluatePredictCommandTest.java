package io.ringtrain.jobs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
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
            Result r = run(command, "--help");
            assertEquals(0, r.code, command + " --help");
            for (String option : new String[] {"--run-dir", "--weights", "--model", "--data", "--format", "--master"}) {
                assertTrue(r.out.contains(option), command + " --help lists " + option + ":\n" + r.out);
            }
        }
        assertTrue(run("predict", "--help").out.contains("--out"));
    }

    @Test
    void aMissingDataPathExitsNonZeroNamingThePath() throws Exception {
        Path runDir = Files.createDirectories(tmp.resolve("run"));
        String missing = tmp.resolve("no-such-data").toString();
        for (String[] args : new String[][] {
                {"evaluate", "--run-dir", runDir.toString(), "--data", missing},
                {"predict", "--run-dir", runDir.toString(), "--data", missing, "--out", tmp.resolve("p.parquet").toString()}}) {
            Result r = run(args);
            assertNotEquals(0, r.code, String.join(" ", args));
            assertTrue(r.err.contains(missing) && r.err.contains("does not exist"), r.err);
        }
    }

    @Test
    void aMissingRunFolderOrNoModelAtAllIsNamed() {
        String missing = tmp.resolve("no-run").toString();
        Result r = run("evaluate", "--run-dir", missing, "--data", tmp.toString());
        assertNotEquals(0, r.code);
        assertTrue(r.err.contains("--run-dir " + missing), r.err);

        Result none = run("predict", "--data", tmp.toString(), "--out", tmp.resolve("o").toString());
        assertNotEquals(0, none.code);
        assertTrue(none.err.contains("--run-dir") && none.err.contains("--weights"), none.err);
    }

    @Test
    void aMissingRequiredOptionIsAUsageError() {
        Result r = run("predict", "--run-dir", tmp.toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("--data") && r.err.contains("--out"), r.err);
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = RingtrainCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
