package io.ringtrain.allreduce.transport;

/** What a peer's channel reports to the ring beyond data frames. */
public interface PeerEvents {
  /** {@code peer} aborted the collective in progress for {@code reason}. */
  void abortedBy(PeerLink peer, String reason);

  /** {@code peer} sent what this rank cannot read ({@code problem}); its connection is being closed. */
  void protocolErrorFrom(PeerLink peer, String problem);
}
