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
}
