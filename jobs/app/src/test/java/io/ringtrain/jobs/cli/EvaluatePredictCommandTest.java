package io.ringtrain.jobs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void aClosedSetFlagOutsideItsChoicesIsOneLineListingThemWithExitTwoBeforeAnythingIsRead() {
        String missing = tmp.resolve("no-such-data").toString();
        String[][] cases = {
                {"predict", "--run-dir", missing, "--data", missing, "--out", tmp.resolve("p").toString(), "--out-format", "json"},
                {"predict", "--run-dir", missing, "--data", missing, "--out", tmp.resolve("p").toString(), "--split", "validation"},
                {"evaluate", "--run-dir", missing, "--data", missing, "--split", "Train"},
                {"evaluate", "--run-dir", missing, "--data", missing, "--format", "tfrecord"},
                {"train", "--data", missing, "--format", "IDX"}};
        String[] named = {"option '--out-format': expected parquet or csv, not 'json'", "option '--split': expected test or train, not 'validation'",
                "option '--split': expected test or train, not 'Train'",
                "option '--format': expected idx, image-folder, parquet, coco, voc, text or text-pairs, not 'tfrecord'",
                "option '--format': expected idx, image-folder, parquet, coco, voc, text or text-pairs, not 'IDX'"};
        for (int i = 0; i < cases.length; i++) {
            CliRun r = run(cases[i]);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
            assertTrue(r.err().contains(named[i]), r.err());
            assertFalse(r.err().contains(missing), "the flag is refused before the paths are looked at: " + r.err());
        }
    }

    @Test
    void theClosedSetFlagsParseToTheirChoicesAndTheOutputPathPicksTheFormatWhenNoneIsGiven() {
        PredictCommand predict = new PredictCommand();
        new CommandLine(predict).parseArgs("--run-dir", "r", "--data", "d", "--out", "p", "--out-format", "csv", "--split", "train");
        assertEquals(OutputFormat.CSV, predict.outFormat);
        assertEquals(DataSplit.TRAIN, predict.dataset.split);
        assertTrue(predict.dataset.trainSplit());

        PredictCommand defaults = new PredictCommand();
        new CommandLine(defaults).parseArgs("--run-dir", "r", "--data", "d", "--out", "p");
        assertEquals(null, defaults.outFormat);
        assertEquals(DataSplit.TEST, defaults.dataset.split);
        assertEquals("d (test split)", defaults.dataset.describe());
        assertEquals(OutputFormat.CSV, OutputFormat.of("out/Predictions.CSV"));
        assertEquals(OutputFormat.PARQUET, OutputFormat.of("out/predictions"));
    }

    @Test
    void predictWithATextFormatNamesTheImageFormatsItReads() throws Exception {
        Path data = Files.writeString(tmp.resolve("corpus.txt"), "hello\n");
        CliRun r = run("predict", "--run-dir", tmp.toString(), "--data", data.toString(), "--format", "text", "--out", tmp.resolve("p").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--format text is invalid here: expected idx, image-folder, parquet, coco or voc"), r.err());
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }
}
