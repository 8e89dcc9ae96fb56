package io.ringtrain.allreduce.auth;

/** What a bound server learns once its communicator is built: who it is and where peers go. */
public record ServerBinding(RingIdentity identity, PeerAcceptor acceptor) {}
