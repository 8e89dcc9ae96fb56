package io.ringtrain.allreduce;

/**
 * A collective did not complete: a peer died, stalled past the timeout, aborted, or issued a
 * different collective. The message names the collective (op and sequence number) and the peer;
 * {@link #failure()} gives the same as a {@link CollectiveFailure} (the culprit rank, operation,
 * sequence and reason) for callers that report it. After this exception the communicator is
 * unusable; build a new ring (with a new generation).
 */
public class CollectiveException extends RuntimeException {
  private static final long serialVersionUID = 2L;
  private final CollectiveFailure failure;

  public CollectiveException(String message) {
    this(message, (CollectiveFailure) null);
  }

  public CollectiveException(String message, Throwable cause) {
    this(message, cause instanceof CollectiveException collective ? collective.failure() : null, cause);
  }

  public CollectiveException(String message, CollectiveFailure failure) {
    super(message);
    this.failure = failure;
  }

  public CollectiveException(String message, CollectiveFailure failure, Throwable cause) {
    super(message, cause);
    this.failure = failure;
  }

  /** Whom the failure blames, or null where the thrower could name nothing (e.g. while connecting). */
  public CollectiveFailure failure() {
    return failure;
  }
}
