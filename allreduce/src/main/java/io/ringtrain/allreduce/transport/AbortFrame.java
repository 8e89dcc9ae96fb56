package io.ringtrain.allreduce.transport;

import io.ringtrain.allreduce.CollectiveFailure;

/**
 * Sent by a rank whose collective failed (timeout, mismatch, lost peer) to every peer it can
 * still reach, so that they fail at once with the original reason instead of waiting for their
 * own timeout, and blame the rank the sender blamed ({@code failure}, null when it named none).
 */
public record AbortFrame(CollectiveFailure failure, String reason) {
  public AbortFrame(String reason) {
    this(null, reason);
  }
}
