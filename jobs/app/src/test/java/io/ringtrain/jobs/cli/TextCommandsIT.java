package io.ringtrain.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text commands end to end on real Spark: train a small char-lstm, evaluate it, generate from it, and the errors a user meets. */
class TextCommandsIT {
    @Test
    void trainEvaluateAndGenerateWithACharLstm(@TempDir Path tmp) throws Exception {
        String text = Files.readString(TestData.tinyShakespeare(), StandardCharsets.UTF_8).substring(0, 20_000);
        Path data = Files.writeString(tmp.resolve("slice.txt"), text);
        String run = tmp.resolve("run").toString();
        Result train = run("train", "--master", "local[2]", "--model", "char-lstm", "--format", "text", "--data", data.toString(), "--seq-len", "16",
                "--hidden-size", "32", "--num-layers", "1", "--batch-size", "16", "--optimizer", "adamw", "--lr", "1e-2", "--epochs", "1",
                "--sample-length", "40", "--prompt", "ROMEO:", "--run-dir", run, "--max-attempts", "1");
        assertEquals(0, train.code, train.err);
        assertTrue(train.out.contains("validation loss: ") && train.out.contains("nats/char"), train.out);
        assertTrue(train.out.contains("ROMEO:"), "the sample is printed:\n" + train.out);
        assertEquals(6 + 40, Files.readString(Path.of(run, "sample.txt")).length());

        Result eval = run("evaluate", "--master", "local[2]", "--run-dir", run, "--format", "text", "--data", data.toString());
        assertEquals(0, eval.code, eval.err);
        JsonNode metrics = new ObjectMapper().readTree(Path.of(run, "evaluation.json").toFile());
        double summaryLoss = new ObjectMapper().readTree(Path.of(run, "summary.json").toFile()).path("test_loss").asDouble();
        assertEquals(summaryLoss, metrics.path("loss").asDouble(), 1e-4 * summaryLoss,
                "evaluate's test split is the training job's validation part (float32 sums in another order)");
        assertTrue(eval.out.contains("token accuracy"), eval.out);

        Result generated = run("generate", "--run-dir", run, "--prompt", "ROME", "--sample-length", "25", "--temperature", "0");
        assertEquals(0, generated.code, generated.err);
        String continuation = generated.out.substring(0, generated.out.length() - System.lineSeparator().length());
        assertTrue(continuation.startsWith("ROME") && continuation.length() == 4 + 25, "prompt + 25 characters: '" + continuation + "'");

        Result unknown = run("generate", "--run-dir", run, "--prompt", "ROMEO€");
        assertEquals(2, unknown.code);
        assertTrue(unknown.err.contains("\"€\" (U+20AC) at character 5 of the prompt is not in the model's vocabulary"), unknown.err);
    }

    @Test
    void aTextModelWithAnImageFormatOrAMissingTextFileFailsBeforeTraining(@TempDir Path tmp) {
        Result wrongFormat = run("train", "--model", "char-lstm", "--data", tmp.toString());
        assertEquals(2, wrongFormat.code);
        assertTrue(wrongFormat.err.contains("'format' = idx is invalid: expected text for the text model char-lstm"), wrongFormat.err);
        String missing = tmp.resolve("none.txt").toString();
        Result noFile = run("train", "--master", "local[2]", "--model", "char-transformer", "--format", "text", "--data", missing, "--max-attempts", "1");
        assertEquals(2, noFile.code);
        assertTrue(noFile.err.contains("--data " + missing + " does not exist"), noFile.err);
    }

    private record Result(int code, String out, String err) {}

    /** Runs a command line, capturing what it prints (commands print results on System.out). */
    private static Result run(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int code;
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            CommandLine cli = RingtrainCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            code = cli.execute(args);
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        saved.print(printed);
        return new Result(code, printed, err.toString());
    }
}
