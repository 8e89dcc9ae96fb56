package io.ringtrain.jobs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code ringtrain}: the command line. Each sub-command takes a config file (JSON or YAML) and flags
 * that override it; {@code --help} on each lists them. A failure prints one line and exits 2 for bad
 * input, 1 otherwise (see {@link Failures}).
 */
@Command(name = "ringtrain", mixinStandardHelpOptions = true, version = "ringtrain 0.1.0",
        description = "Distributed data-parallel deep-learning training on Apache Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, AugmentPreviewCommand.class, RetrainCommand.class,
                ExampleDataCommand.class, GenerateCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:done", "1:failed (the line says why; --verbose shows the stack trace)", "2:bad input: a flag, a setting or the data"})
public final class RingtrainCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "on failure, print the stack trace after the error line")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        int code;
        try {
            code = execute(args);
        } catch (Throwable e) { // the handlers print and return; this is the last line of defence for a failure inside them
            System.err.println("ringtrain: " + e);
            code = Failures.FAILED;
        }
        ClassDataArchive.markIfWorthKeeping(code);
        System.exit(code);
    }

    /** Runs a command line and returns its exit code (for tests and embedding). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with its error handling (see {@link Failures}). */
    public static CommandLine commandLine() {
        return Failures.handledBy(new CommandLine(new RingtrainCli()));
    }
}
