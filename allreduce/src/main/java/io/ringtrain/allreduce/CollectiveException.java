package io.ringtrain.allreduce;

/**
 * A collective did not complete: a peer died, stalled past the timeout, aborted, or issued a
 * different collective. The message names the collective (op and sequence number) and the peer.
 * After this exception the communicator is unusable; build a new ring (with a new generation).
 */
public class CollectiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CollectiveException(String message) {
    super(message);
  }

  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
