package io.ringtrain.allreduce.transport;

/** What a peer's channel reports to the ring beyond data frames. */
public interface PeerEvents {
  /** {@code peer} aborted the collective in progress (see {@link AbortFrame}). */
  void abortedBy(PeerLink peer, AbortFrame abort);

  /** {@code peer} sent what this rank cannot read ({@code problem}); its connection is being closed. */
  void protocolErrorFrom(PeerLink peer, String problem);
}
