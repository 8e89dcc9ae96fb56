package io.ringtrain.jobs.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code ringtrain evaluate}: not implemented yet. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Not implemented yet.")
final class EvaluateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("ringtrain evaluate is not implemented yet");
        return 3;
    }
}
