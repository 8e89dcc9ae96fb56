package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.testing.TestData;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The train command line without Spark: bad settings and bad flag values fail with one line and
 * exit code 2 before Spark starts and before the run folder exists; every config key has a flag.
 */
class TrainCommandTest {
    @TempDir
    Path tmp;

    private String[] train(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", TestData.bundledSample().toString(), "--run-dir", tmp.resolve("run").toString()));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    @Test
    void anUnknownModelFailsWithOneLineAndExitTwoBeforeSparkOrTheRunFolder() {
        CliRun r = run(train("--model", "resnet51"));

        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
        assertTrue(r.err().startsWith("ringtrain train: unknown model 'resnet51'"), r.err());
        assertNothingStarted();
    }

    @Test
    void aMissingModelClassFailsWithOneLineNamingItAndTheContractBeforeSpark() {
        CliRun r = run(train("--model-class", "com.acme.MyNet"));

        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
        assertTrue(r.err().contains("com.acme.MyNet") && r.err().contains("(int[] inputShape, int numClasses)"), r.err());
        assertNothingStarted();
    }

    @Test
    void aBuiltInModelAndAModelClassTogetherAreRefused() {
        CliRun r = run(train("--model", "fmnist-cnn", "--model-class", io.ringtrain.jobs.models.usernets.TinyNet.class.getName()));

        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--model") && r.err().contains("--model-class"), r.err());
        assertNothingStarted();
    }

    @Test
    void aLossClassBecomesTheConfigsLossFunctionForTrainAndRetrain() {
        String loss = io.ringtrain.jobs.models.usernets.HalfCrossEntropy.class.getName();
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--loss-class", loss);
        RetrainCommand retrain = new RetrainCommand();
        new CommandLine(retrain).parseArgs("--dataset", "d", "--holdout", "h", "--registry", "r", "--loss-class", loss);
        TrainJobConfig retrained = retrain.training.toConfig();
        retrain.ownModel.applyTo(retrained);

        for (TrainJobConfig c : List.of(train.toConfig(), retrained)) {
            assertTrue(c.getLossFunction() != null, "the loss travels in the config");
            assertEquals(io.ringtrain.jobs.models.usernets.HalfCrossEntropy.class, io.ringtrain.jobs.train.LossFunction.decode(c.getLossFunction()).getClass());
        }
        assertEquals(null, new TrainCommand().toConfig().getLossFunction(), "no --loss-class: the model's own objective");
    }

    @Test
    void aLossClassThatBreaksTheContractFailsWithOneLineNamingItAndTheContractBeforeSpark() {
        String[] classes = {"com.acme.MyLoss", io.ringtrain.jobs.models.usernets.TinyNet.class.getName(),
                io.ringtrain.jobs.models.usernets.ScaledCrossEntropy.class.getName()};
        String[] why = {"is not on the classpath", "is not an implementation of io.ringtrain.jobs.train.LossFunction", "has no public no-argument constructor"};
        for (int i = 0; i < classes.length; i++) {
            CliRun r = run(train("--loss-class", classes[i]));

            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
            assertTrue(r.err().contains("loss class " + classes[i] + " " + why[i]) && r.err().contains(io.ringtrain.jobs.train.UserLossClass.CONTRACT), r.err());
        }
        assertNothingStarted();
    }

    @Test
    void aLossClassWithATextModelIsRefusedNamingBoth() throws Exception {
        Path text = Files.writeString(tmp.resolve("corpus.txt"), "to be or not to be\n");
        String loss = io.ringtrain.jobs.models.usernets.HalfCrossEntropy.class.getName();
        CliRun r = run("train", "--data", text.toString(), "--run-dir", tmp.resolve("run").toString(), "--format", "text", "--model", "char-lstm",
                "--loss-class", loss);

        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
        assertTrue(r.err().contains("--loss-class " + loss) && r.err().contains("--format text") && r.err().contains("char-lstm"), r.err());
        CliRun noModel = run("train", "--data", text.toString(), "--run-dir", tmp.resolve("run").toString(), "--format", "text", "--loss-class", loss);
        assertEquals(2, noModel.code(), noModel.err());
        assertTrue(noModel.err().contains("--format text trains a text model") && !noModel.err().contains("fmnist-cnn"),
                "names no image model as the text model: " + noModel.err());
        assertNothingStarted();
    }

    @Test
    void aConfigFilesLossFunctionWithATextModelIsRefusedByValidation() {
        TrainJobConfig c = new TrainJobConfig();
        c.input.data = "corpus.txt";
        c.input.format = io.ringtrain.jobs.train.InputSettings.format("text");
        c.model.name = "char-lstm";
        c.lossFunction(new io.ringtrain.jobs.models.usernets.HalfCrossEntropy());

        var e = assertThrows(IllegalArgumentException.class, c::validate);
        assertTrue(e.getMessage().contains("'lossFunction'") && e.getMessage().contains("char-lstm"), e.getMessage());
    }

    @Test
    void aModelSpecFileWithABadLayerFailsNamingTheLayerBeforeSpark() throws Exception {
        Path spec = Files.writeString(tmp.resolve("net.yaml"), "layers:\n  - {type: flatten}\n  - {type: linear, out_features: ten}\n");
        CliRun r = run(train("--model-spec", spec.toString()));

        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
        assertTrue(r.err().contains("model spec layer 1 (linear): parameter 'out_features' must be an integer"), r.err());
        assertNothingStarted();
    }

    @Test
    void aModelSpecFileThatDoesNotExistIsNamedNotReadAsASpec() {
        CliRun r = run(train("--model-spec", tmp.resolve("nett.yaml").toString()));

        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("nett.yaml does not exist"), r.err());
        assertNothingStarted();
    }

    @Test
    void aBadAugmentationSpecFailsWithOneLineBeforeSparkOrTheRunFolder() throws Exception {
        Path spec = Files.writeString(tmp.resolve("bad-spec.yaml"), "transforms:\n  - {type: horizontal_flop}\n");
        CliRun r = run(train("--augment", spec.toString()));

        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
        assertTrue(r.err().contains("horizontal_flop"), r.err());
        assertFalse(r.out().contains("starting Spark"), "refused before Spark starts: " + r.out());
        assertNothingStarted();
    }

    @Test
    void nonFiniteOptimizerSettingsAreRefusedNamingTheSetting() {
        for (String[] bad : new String[][] {{"--lr", "Infinity"}, {"--momentum", "NaN"}, {"--weight-decay", "-1"}, {"--clip-grad-norm", "Infinity"}}) {
            CliRun r = run(train(bad));
            String key = bad[0].equals("--lr") ? "'lr'" : bad[0].equals("--momentum") ? "'momentum'" : bad[0].equals("--weight-decay") ? "'weightDecay'" : "'clipGradNorm'";
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains(key + " = " + bad[1]), r.err());
        }
        assertNothingStarted();
    }

    @Test
    void aFlagValueThatDoesNotParseIsOneLinePointingAtHelpNotTheUsageText() {
        CliRun r = run(train("--lr", "nan"));

        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("--lr") && r.err().contains("'nan'") && r.err().contains("see 'ringtrain train --help'"), r.err());
        assertFalse(r.err().contains("Usage:"), r.err());
    }

    @Test
    void aMistypedFlagIsNamedWithSuggestions() {
        CliRun r = run(train("--learning-rate", "0.1"));

        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ringtrain train: Unknown option") && r.err().contains("'--learning-rate'"), r.err());
        assertFalse(r.err().contains("Usage:"), r.err());
    }

    @Test
    void aMissingDataFolderIsRefusedBeforeSparkStarts() {
        String missing = tmp.resolve("no-such-data").toString();
        CliRun r = run("train", "--data", missing, "--run-dir", tmp.resolve("run").toString());

        assertEquals(2, r.code());
        assertTrue(r.err().contains("--data " + missing + " does not exist"), r.err());
        assertNothingStarted();
    }

    @Test
    void moreReplicasThanCoresWithoutAMasterIsRefusedButANamedMasterIsTheUsersChoice() {
        TrainJobConfig c = new TrainJobConfig();
        c.input.data = TestData.bundledSample().toString();
        c.replicas = 4;

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainCommand.checkBeforeSpark(c, null, new Configuration(), 2));
        assertTrue(e.getMessage().contains("--replicas 4") && e.getMessage().contains("2 cores") && e.getMessage().contains("pass --master"), e.getMessage());
        TrainCommand.checkBeforeSpark(c, "local[4]", new Configuration(), 2);
        TrainCommand.checkBeforeSpark(c, null, new Configuration(), 4);
    }

    @Test
    void theTraceIsPrintedOnlyWithVerbose() {
        CliRun quiet = run(train("--model", "resnet51"));
        CliRun verbose = run(train("--model", "resnet51", "--verbose"));

        assertFalse(quiet.err().contains("\tat "), quiet.err());
        assertEquals(2, verbose.code());
        assertTrue(verbose.err().startsWith("ringtrain train: unknown model 'resnet51'") && verbose.err().contains("\tat io.ringtrain."), verbose.err());
    }

    @Test
    void anErrorThrownByACommandIsOneLineWithExitCodeOne() {
        @Command(name = "boom")
        class Boom implements Callable<Integer> {
            @Override
            public Integer call() {
                throw new OutOfMemoryError("Java heap space");
            }
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Failures.handledBy(new CommandLine(new Boom()));
        cli.setErr(new PrintWriter(err, true));

        assertEquals(1, cli.execute());
        assertEquals("boom: OutOfMemoryError: Java heap space (--verbose shows the stack trace)", err.toString().strip());
    }

    @Test
    void tooFewExecutorSlotsExitWithTheTemporaryFailureCodeNotAsBadInput() {
        @Command(name = "short")
        class Short implements Callable<Integer> {
            @Override
            public Integer call() {
                throw new io.ringtrain.jobs.train.TrainingFailedException("training failed: no slots",
                        new io.ringtrain.jobs.train.CapacityException("the job needs 3 tasks running at once but the cluster offers 1 task slots"));
            }
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Failures.handledBy(new CommandLine(new Short()));
        cli.setErr(new PrintWriter(err, true));

        assertEquals(75, cli.execute());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("the cluster offers 1 task slots"), err.toString());
    }

    @Test
    void aConfigFileWithABadValueIsNamed() throws Exception {
        Path config = Files.writeString(tmp.resolve("train.yaml"), "lr: fast\n");
        CliRun r = run(train("--config", config.toString()));

        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("config file " + config + " is invalid"), r.err());
    }

    @Test
    void anUnknownChoiceOfAClosedSettingIsOneLineNamingTheChoicesFromAFlagOrAConfigFile() throws Exception {
        CliRun flag = run(train("--data", tmp.toString(), "--sharding", "sideways"));
        assertEquals(2, flag.code(), flag.err());
        assertEquals(1, flag.err().lines().count(), flag.err());
        assertTrue(flag.err().contains("training setting 'sharding' = sideways is invalid: expected replicated, partitioned or streaming"), flag.err());

        Path config = Files.writeString(tmp.resolve("train.yaml"), "onBadRecord: ignore\n");
        CliRun file = run(train("--config", config.toString()));
        assertEquals(2, file.code(), file.err());
        assertEquals(1, file.err().lines().count(), file.err());
        assertTrue(file.err().contains("config file " + config + " is invalid: training setting 'onBadRecord' = ignore is invalid: expected fail or skip"),
                file.err());
    }

    @Test
    void aMisspeltKeyInAConfigFileIsOneLineNamingIt() throws Exception {
        Path config = Files.writeString(tmp.resolve("train.yaml"), "seqLength: 32\n");
        CliRun r = run(train("--config", config.toString()));

        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("config file " + config + " is invalid: unknown training setting 'seqLength'"), r.err());
    }

    /** Each public field of TrainJobConfig and of its unwrapped parts, the config file's keys (a field's @JsonProperty name where it has one), has the flag --key-in-kebab-case. */
    @Test
    void everyConfigKeyHasAFlag() {
        CommandLine.Model.CommandSpec spec = RingtrainCli.commandLine().getSubcommands().get("train").getCommandSpec();
        List<String> missing = new ArrayList<>();
        List<Field> keys = new ArrayList<>();
        for (Field f : TrainJobConfig.class.getFields()) {
            if (f.isAnnotationPresent(com.fasterxml.jackson.annotation.JsonUnwrapped.class)) keys.addAll(List.of(f.getType().getFields()));
            else keys.add(f);
        }
        assertTrue(keys.stream().anyMatch(f -> f.getName().equals("seqLen")), "the text part's keys are listed");
        for (Field f : keys) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            com.fasterxml.jackson.annotation.JsonProperty renamed = f.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
            String key = renamed != null ? renamed.value() : f.getName();
            String flag = "--" + key.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
            if (spec.findOption(flag) == null) missing.add(flag);
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void theFlagsAddedForParitySetTheirKeys() {
        TrainCommand command = new TrainCommand();
        new CommandLine(command).parseArgs("--nesterov", "--input-shape", "3,32,32", "--mean", "0.5,0.4,0.3", "--std", "0.2,0.2,0.2",
                "--image-column", "png", "--label-column", "y", "--initial-weights", "w.safetensors", "--keep-checkpoints", "5",
                "--collective-timeout-seconds", "30", "--lr", "0.1", "--class-names", "tshirt,trouser", "--stop-at-accuracy", "0.905");
        TrainJobConfig c = command.toConfig();

        assertTrue(c.optimization.nesterov);
        assertArrayEquals(new int[] {3, 32, 32}, c.input.inputShape);
        assertArrayEquals(new float[] {0.5f, 0.4f, 0.3f}, c.input.mean);
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f}, c.input.std);
        assertEquals("png", c.input.imageColumn);
        assertEquals("y", c.input.labelColumn);
        assertEquals("w.safetensors", c.model.initialWeights);
        assertEquals(5, c.recovery.keepCheckpoints);
        assertEquals(30, c.recovery.collectiveTimeoutSeconds);
        assertEquals(0.1, c.optimization.lr);
        assertEquals(java.util.List.of("tshirt", "trouser"), c.input.classNames);
        assertEquals(0.905, c.stopAtAccuracy);
        assertEquals(null, new TrainCommand().toConfig().stopAtAccuracy, "unset by default: every epoch runs");
    }

    @Test
    void theElasticFlagsSetTheirKeysAndAreUnsetByDefault() {
        TrainCommand plain = new TrainCommand();
        new CommandLine(plain).parseArgs("--replicas", "3");
        TrainJobConfig defaults = plain.toConfig();
        assertEquals(null, defaults.recovery.minReplicas);
        assertEquals(null, defaults.recovery.elasticWaitSeconds);
        assertFalse(defaults.recovery.elasticGrow);

        TrainCommand command = new TrainCommand();
        new CommandLine(command).parseArgs("--replicas", "3", "--min-replicas", "2", "--elastic-wait", "15", "--elastic-grow");
        TrainJobConfig c = command.toConfig();
        assertEquals(2, c.recovery.minReplicas);
        assertEquals(15, c.recovery.elasticWaitSeconds);
        assertTrue(c.recovery.elasticGrow);
    }

    @Test
    void anElasticRangeThatCannotKeepTheGlobalBatchIsOneLineWithExitTwo() {
        CliRun r = run(train("--replicas", "4", "--batch-size", "8", "--min-replicas", "2"));
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
        assertTrue(r.err().contains("minReplicas") && r.err().contains("3 replicas cannot"), r.err());
        assertNothingStarted();
    }

    @Test
    void withoutFlagsTheConfigFileStays() throws Exception {
        Path config = Files.writeString(tmp.resolve("train.json"), "{\"lr\": 0.2, \"nesterov\": true, \"inputShape\": [3, 32, 32]}");
        TrainCommand command = new TrainCommand();
        new CommandLine(command).parseArgs("--config", config.toString());
        TrainJobConfig c = command.toConfig();

        assertEquals(0.2, c.optimization.lr);
        assertTrue(c.optimization.nesterov);
        assertArrayEquals(new int[] {3, 32, 32}, c.input.inputShape);
    }

    @Test
    void helpListsTheFlagsInSections() {
        CliRun r = run("train", "--help");

        assertEquals(0, r.code());
        int training = r.out().indexOf("Training:"), optimizer = r.out().indexOf("Optimizer:"), data = r.out().indexOf("Data:");
        int text = r.out().indexOf("Text models");
        assertTrue(training >= 0 && optimizer > training && data > optimizer && text > data, r.out());
        assertTrue(r.out().indexOf("--momentum") > optimizer && r.out().indexOf("--momentum") < data, r.out());
        assertTrue(r.out().indexOf("--seq-len") > text, r.out());
    }

    @Test
    void oldFlagNamesStillWorkButAreHiddenAndClashWithTheNewOnes() {
        assertFalse(run("generate", "--help").out().contains("--length"));
        assertTrue(run("generate", "--help").out().contains("--sample-length"));
        assertFalse(run("augment-preview", "--help").out().contains("--spec"));
        assertTrue(run("augment-preview", "--help").out().contains("--augment"));

        CliRun both = run("generate", "--run-dir", tmp.toString(), "--length", "5", "--sample-length", "6");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--length is the old name of --sample-length"), both.err());
    }

    private static io.ringtrain.jobs.train.RunSummary summary(String json) {
        return io.ringtrain.jobs.train.RunSummary.fromJson(json, "summary.json");
    }

    @Test
    void withoutATestSetNoAccuracyIsPrintedInsteadOfNaN() {
        TrainJobConfig c = new TrainJobConfig();
        String none = TrainCommand.result(c, new io.ringtrain.jobs.train.TrainJob.Summary(summary("{\"optimizer_steps\": 4}"), "runs/x", 1));
        String measured = TrainCommand.result(c, new io.ringtrain.jobs.train.TrainJob.Summary(summary("{\"test_accuracy\": 0.8125}"), "runs/x", 1));

        assertFalse(none.contains("NaN"), none);
        assertTrue(none.startsWith("test accuracy: none (no test set; pass --test-data"), none);
        assertTrue(measured.startsWith("test accuracy: 81.25%"), measured);
    }

    @Test
    void retrainTakesTheSharedTrainingFlagsAsOneHelpSection() {
        RetrainCommand retrain = new RetrainCommand();
        new CommandLine(retrain).parseArgs("--dataset", "d", "--holdout", "h", "--registry", "r", "--epochs", "2", "--lr", "0.01");

        assertEquals(2, retrain.training.toConfig().epochs);
        assertEquals(0.01, retrain.training.toConfig().optimization.lr);
        assertTrue(run("retrain", "--help").out().contains("Training:"));
    }

    @Test
    void theOtherCommandsRefuseBadNumbersAndDatesBeforeSpark() {
        String[][] cases = {
                {"generate", "--run-dir", tmp.toString(), "--temperature", "NaN"},
                {"generate", "--run-dir", tmp.toString(), "--sample-length", "-1"},
                {"evaluate", "--run-dir", tmp.toString(), "--data", tmp.toString(), "--batch-size", "0"},
                {"predict", "--run-dir", tmp.toString(), "--data", tmp.toString(), "--out", tmp.resolve("p").toString(), "--batch-size", "0"},
                {"example-data", "--out", tmp.resolve("ex").toString(), "--first-day", "March 1st"}};
        String[] named = {"--temperature NaN", "--sample-length -1", "--batch-size 0", "--batch-size 0", "--first-day March 1st"};
        for (int i = 0; i < cases.length; i++) {
            CliRun r = run(cases[i]);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains(named[i]), r.err());
        }
        assertTrue(SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty(), "Spark was not started");
    }

    private void assertNothingStarted() {
        assertFalse(Files.exists(tmp.resolve("run")), "no run folder (no config.json, no metrics.jsonl) for a refused run");
        assertTrue(SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty(), "Spark was not started");
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }
}
