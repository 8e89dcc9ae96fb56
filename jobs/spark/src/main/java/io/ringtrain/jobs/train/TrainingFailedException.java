package io.ringtrain.jobs.train;

/** A training job that could not complete; the message says why and what to do next. The SparkContext stays up. */
public class TrainingFailedException extends RuntimeException {
    public TrainingFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public TrainingFailedException(String message) {
        super(message);
    }
}
