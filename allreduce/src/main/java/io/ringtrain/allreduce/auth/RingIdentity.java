package io.ringtrain.allreduce.auth;

/**
 * Who this end of a connection is: its rank in a ring of {@code worldSize} at {@code generation},
 * the key both ends must prove they know, what the connection is for (a proof for one {@link
 * Handshake.Purpose} is refused by the other), and how many connections each pair of ranks opens
 * (both ends must agree).
 */
public record RingIdentity(int rank, int worldSize, int generation, byte[] secret, Handshake.Purpose purpose, int connectionsPerPeer) {
  public RingIdentity {
    if (connectionsPerPeer < 1) throw new IllegalArgumentException("connectionsPerPeer " + connectionsPerPeer + " must be at least 1");
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException("the job secret is empty: pass the same random bytes (32 are plenty) to every rank");
    }
    if (purpose == null) throw new IllegalArgumentException("the handshake purpose is null");
    secret = secret.clone();
  }

  /** One connection per pair of ranks. */
  public RingIdentity(int rank, int worldSize, int generation, byte[] secret, Handshake.Purpose purpose) {
    this(rank, worldSize, generation, secret, purpose, 1);
  }

  /** A ring member ({@link Handshake.Purpose#RING}) with one connection per peer. */
  public RingIdentity(int rank, int worldSize, int generation, byte[] secret) {
    this(rank, worldSize, generation, secret, Handshake.Purpose.RING);
  }
}
