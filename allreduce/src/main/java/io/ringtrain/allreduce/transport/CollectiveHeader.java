package io.ringtrain.allreduce.transport;

import io.ringtrain.allreduce.ReduceOp;
import java.util.Objects;

/**
 * What every frame of one collective carries, so that ranks can check before any data moves that
 * they are running the same collective: ring generation, sequence number (the n-th collective
 * issued on this communicator), kind, op, element type and element count.
 *
 * <p>{@code countChecked} is false where lengths legitimately differ between ranks (allGather
 * blocks, a byte broadcast whose length only root knows); the count then describes the frame's
 * own block.
 */
public final class CollectiveHeader {
  private final int generation;
  private final long sequence;
  private final CollectiveKind kind;
  private final ReduceOp op; // null for collectives without a reduction
  private final ElementType elementType;
  private final long count;
  private final boolean countChecked;

  public CollectiveHeader(
      int generation,
      long sequence,
      CollectiveKind kind,
      ReduceOp op,
      ElementType elementType,
      long count,
      boolean countChecked) {
    this.generation = generation;
    this.sequence = sequence;
    this.kind = Objects.requireNonNull(kind);
    this.op = op;
    this.elementType = Objects.requireNonNull(elementType);
    this.count = count;
    this.countChecked = countChecked;
  }

  public int generation() {
    return generation;
  }

  public long sequence() {
    return sequence;
  }

  public CollectiveKind kind() {
    return kind;
  }

  public ReduceOp op() {
    return op;
  }

  public ElementType elementType() {
    return elementType;
  }

  public long count() {
    return count;
  }

  /** The same header with another element count (a block of allGather, a broadcast's length). */
  public CollectiveHeader withCount(long newCount) {
    return new CollectiveHeader(generation, sequence, kind, op, elementType, newCount, countChecked);
  }

  /** True when a frame carrying {@code received} belongs to the collective this header describes. */
  public boolean matches(CollectiveHeader received) {
    return generation == received.generation
        && sequence == received.sequence
        && kind == received.kind
        && op == received.op
        && elementType == received.elementType
        && (!countChecked || count == received.count);
  }

  /** For messages: {@code allReduce #17 (SUM, float32, 1000 elements, ring)}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(kind.operation()).append(" #").append(sequence).append(" (");
    if (op != null) text.append(op).append(", ");
    text.append(elementType).append(", ").append(count).append(elementType == ElementType.BYTES ? " bytes" : " elements");
    text.append(", ").append(kind.algorithm());
    if (generation != 0) text.append(", generation ").append(generation);
    return text.append(')').toString();
  }
}
