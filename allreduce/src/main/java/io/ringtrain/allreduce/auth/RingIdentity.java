package io.ringtrain.allreduce.auth;

/**
 * Who this end of a connection is: its rank in a ring of {@code worldSize} at {@code generation},
 * and the job secret both ends must prove they know.
 */
public record RingIdentity(int rank, int worldSize, int generation, byte[] secret) {
  public RingIdentity {
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException("the job secret is empty: pass the same random bytes (32 are plenty) to every rank");
    }
    secret = secret.clone();
  }
}
