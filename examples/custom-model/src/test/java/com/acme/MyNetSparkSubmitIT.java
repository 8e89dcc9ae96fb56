package com.acme;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user does with their own model, against the packaged product (failsafe runs after
 * {@code package}, so target/custom-model.jar exists): spark-submit through deploy/bin/ringtrain
 * with the jar on {@code --jars} trains {@link MyNet} with the user's loss {@link MyLoss} one epoch on
 * the bundled sample, then evaluates (reporting that loss) and predicts with the saved model, rebuilt
 * from the run folder by its class name.
 */
class MyNetSparkSubmitIT {
    private final Path root = repositoryRoot();
    private final Path jar = Path.of("target/custom-model.jar").toAbsolutePath();

    @Test
    void trainEvaluateAndPredictWithTheUsersModelThroughSparkSubmit(@TempDir Path tmp) throws Exception {
        String run = tmp.resolve("run").toString();
        String sample = root.resolve("data/fashion-mnist-sample").toString();

        String train = ringtrain("train", "--model-class", "com.acme.MyNet", "--loss-class", "com.acme.MyLoss", "--data", sample, "--epochs", "1", "--replicas", "2",
                "--batch-size", "64", "--run-dir", run);
        assertTrue(train.contains("test accuracy: "), train);
        assertTrue(Files.isRegularFile(Path.of(run, "model.safetensors")), train);

        String evaluate = ringtrain("evaluate", "--run-dir", run, "--data", sample);
        assertTrue(evaluate.contains("accuracy: ") && evaluate.contains("(com.acme.MyLoss, the loss it was trained with)"), evaluate);

        Path predictions = tmp.resolve("predictions.csv");
        String predict = ringtrain("predict", "--run-dir", run, "--data", sample, "--out", predictions.toString());
        assertTrue(predict.contains("predictions: "), predict);
        assertTrue(Files.exists(predictions), predict);
    }

    /** deploy/bin/ringtrain --master local[2] --jars target/custom-model.jar -- ARGS; its output, once it exited 0. */
    private String ringtrain(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("deploy/bin/ringtrain").toString(), "--master", "local[2]", "--jars", jar.toString(), "--"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("RINGTRAIN_NO_BUILD", "1"); // the reactor built deploy/target; never a nested Maven build
        pb.environment().put("RINGTRAIN_JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC");   // a small job: the serial collector costs less CPU than G1
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in 300 s");
        }
        String output = new String(out);
        assertEquals(0, p.exitValue(), command + ":\n" + output);
        return output;
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/bin/ringtrain"))) return dir;
        }
        throw new IllegalStateException("deploy/bin/ringtrain not found above " + Path.of("").toAbsolutePath());
    }
}
