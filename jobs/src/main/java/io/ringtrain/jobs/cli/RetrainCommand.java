package io.ringtrain.jobs.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code ringtrain retrain}: not implemented yet. */
@Command(name = "retrain", mixinStandardHelpOptions = true, description = "Not implemented yet.")
final class RetrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("ringtrain retrain is not implemented yet");
        return 3;
    }
}
