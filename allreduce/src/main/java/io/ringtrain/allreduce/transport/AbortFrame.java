package io.ringtrain.allreduce.transport;

/**
 * Sent by a rank whose collective failed (timeout, mismatch, lost peer) to every peer it can
 * still reach, so that they fail at once with the original reason instead of waiting for their
 * own timeout.
 */
public record AbortFrame(String reason) {}
