package io.ringtrain.jobs.train;

/**
 * The cluster does not offer the task slots the job needs (at the start, or after a failure took
 * executors away). Not bad input: the same command may succeed once capacity returns, so the CLI
 * exits with {@link #EXIT_CODE} (EX_TEMPFAIL), which schedulers retry.
 */
public final class CapacityException extends RuntimeException {
    /** sysexits.h EX_TEMPFAIL: a temporary failure; retrying later may succeed. */
    public static final int EXIT_CODE = 75;

    public CapacityException(String message) {
        super(message);
    }
}
