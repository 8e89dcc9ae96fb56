package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.augment.AugmentPreviewCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ringtrain}: the command line. Each sub-command takes a config file (JSON or YAML) and flags
 * that override it; {@code --help} on each lists them.
 */
@Command(name = "ringtrain", mixinStandardHelpOptions = true, version = "ringtrain 0.1.0",
        description = "Distributed data-parallel deep-learning training on Apache Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, AugmentPreviewCommand.class, RetrainCommand.class,
                ExampleDataCommand.class, GenerateCommand.class})
public final class RingtrainCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (for tests and embedding). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with its error handling: a failed command prints its message (and exits 2 for bad input, else 1). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new RingtrainCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("ringtrain " + commandLine.getCommandName() + ": " + e.getMessage());
            if (System.getenv("RINGTRAIN_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            else commandLine.getErr().println("(set RINGTRAIN_DEBUG=1 for the stack trace)");
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }
}
