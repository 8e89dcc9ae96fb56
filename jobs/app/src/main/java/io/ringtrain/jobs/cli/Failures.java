package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.train.CapacityException;
import io.ringtrain.jobs.train.RootCause;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * The one place that decides what a failed command prints and returns: one line naming the root
 * cause (see {@link RootCause}), the stack trace only with {@code --verbose}; exit code 2 for bad
 * input (a bad flag value, an invalid setting, bad data: an IllegalArgumentException anywhere in
 * the cause chain), 75 (EX_TEMPFAIL, which schedulers retry) when the cluster lacks the task slots
 * the job needs ({@link CapacityException}), 1 for any other failure, {@code Error}s included.
 */
final class Failures {
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int NO_CAPACITY = CapacityException.EXIT_CODE;

    private Failures() {}

    /** {@code cli} with these handlers: for failures, for flags that do not parse and for Errors. */
    static CommandLine handledBy(CommandLine cli) {
        cli.setExecutionExceptionHandler(Failures::report);
        cli.setParameterExceptionHandler(Failures::reportBadFlag);
        cli.setExecutionStrategy(catchingErrors(new CommandLine.RunLast()));
        return cli;
    }

    /** A command's failure (picocli's execution exception handler, also handed Errors by {@link #catchingErrors}). */
    static int report(Throwable e, CommandLine command, ParseResult parsed) {
        Throwable failure = e instanceof CommandLine.ExecutionException && e.getCause() != null ? e.getCause() : e;
        boolean noCapacity = lacksCapacity(failure);
        boolean badInput = !noCapacity && RootCause.isBadInput(failure);
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + RootCause.message(failure)
                + (badInput || noCapacity || verbose(parsed) ? "" : " (--verbose shows the stack trace)"));
        if (verbose(parsed)) failure.printStackTrace(err);
        err.flush();
        return noCapacity ? NO_CAPACITY : badInput ? BAD_INPUT : FAILED;
    }

    private static boolean lacksCapacity(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CapacityException) return true;
        }
        return false;
    }

    /** A flag that does not parse: its message and where the flags are listed, not the whole usage text. */
    static int reportBadFlag(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(name + ": " + e.getMessage().strip() + "; see '" + name + " --help'");
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, err);
        err.flush();
        return BAD_INPUT;
    }

    /** Picocli hands Errors (OutOfMemoryError, a missing class) straight out of execute(); this routes them through {@link #report}. */
    private static CommandLine.IExecutionStrategy catchingErrors(CommandLine.IExecutionStrategy strategy) {
        return parsed -> {
            try {
                return strategy.execute(parsed);
            } catch (Error e) {
                CommandLine command = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
                return report(e, command, parsed);
            }
        };
    }

    /** Whether {@code --verbose} was given, to the top command or any sub-command. */
    static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) return true;
        }
        return false;
    }
}
