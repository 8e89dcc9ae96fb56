package io.ringtrain.jobs.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code ringtrain predict}: not implemented yet. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Not implemented yet.")
final class PredictCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("ringtrain predict is not implemented yet");
        return 3;
    }
}
