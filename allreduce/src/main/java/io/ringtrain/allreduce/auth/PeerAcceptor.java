package io.ringtrain.allreduce.auth;

import io.netty.channel.Channel;

/**
 * Receives a connection whose peer has proved the job secret, on the channel's event loop, and
 * turns it into a data connection. Returns false when that rank is already connected, in which
 * case the new connection is closed.
 */
@FunctionalInterface
public interface PeerAcceptor {
  boolean accept(int peerRank, Channel channel);

  /**
   * As {@link #accept(int, Channel)}, for connection {@code connection} of the {@link
   * RingIdentity#connectionsPerPeer} to that rank; an acceptor of one connection per peer takes
   * only connection 0.
   */
  default boolean accept(int peerRank, int connection, Channel channel) {
    return connection == 0 && accept(peerRank, channel);
  }
}
