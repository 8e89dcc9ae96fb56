package io.ringtrain.allreduce;

import java.io.Serializable;

/**
 * Who a failed collective blames, in a form callers can act on without parsing messages: the
 * {@code culprit} rank, the collective ({@code operation} as the API names it, and its {@code
 * sequence} number on the communicator) and the {@code reason}. Every rank of a ring issues the same
 * collectives in the same order, so the sequence number is the same collective on every rank.
 *
 * <p>The culprit is the rank this rank's evidence points to: the peer that closed its connection,
 * the peer it waited on past the timeout, the peer that sent a frame of another collective, or
 * this rank itself for a failure of its own. A rank that is told of a failure by another rank's
 * abort keeps that rank's culprit. When several ranks time out in a chain, the first to time out
 * aborts the others, and it waited on the stalled rank.
 *
 * @param culprit the rank blamed (0..worldSize-1), or -1 when no rank can be named
 * @param operation "allReduce", "broadcast", "allGather" or "barrier"; "connect" while the ring is built
 * @param sequence the collective's number on its communicator (from 0), or -1 outside a collective
 */
public record CollectiveFailure(int culprit, String operation, long sequence, Reason reason) implements Serializable {
  /** Why the collective failed. */
  public enum Reason {
    /** The culprit's connection closed: its process died or it closed its communicator early. */
    CONNECTION_CLOSED("connection closed"),
    /** Nothing came from the culprit (or it read nothing) within the ring's timeout: it is dead or stalled. */
    TIMEOUT("timed out"),
    /** The culprit issued a different collective, or sent a frame this rank cannot read. */
    PROTOCOL_ERROR("protocol error"),
    /** The culprit failed on its own (an exception in its part of the collective, an interrupt, a closed communicator). */
    LOCAL_ERROR("local error");

    private final String words;

    Reason(String words) {
      this.words = words;
    }

    /** For messages: "timed out", "connection closed"... */
    public String words() {
      return words;
    }
  }

  public CollectiveFailure {
    if (operation == null || operation.isBlank()) throw new IllegalArgumentException("a collective failure needs its operation");
    if (reason == null) throw new IllegalArgumentException("a collective failure needs its reason");
  }

  /** For messages: {@code rank 2 (allReduce #17, timed out)}. */
  public String describe() {
    return (culprit < 0 ? "no rank named" : "rank " + culprit) + " (" + operation + (sequence >= 0 ? " #" + sequence : "") + ", "
        + reason.words() + ")";
  }
}
