package io.ringtrain.allreduce.transport;

/** What the payload of a data frame holds; the width is in bytes (little-endian on the wire). */
public enum ElementType {
  NONE("none", 0),
  FLOAT32("float32", 4),
  FLOAT64("float64", 8),
  /** float32 buffers sent as bfloat16 ({@link io.ringtrain.allreduce.Compression#BF16}). */
  BFLOAT16("bfloat16", 2),
  BYTES("bytes", 1);

  private final String label;
  private final int width;

  ElementType(String label, int width) {
    this.label = label;
    this.width = width;
  }

  public int width() {
    return width;
  }

  @Override
  public String toString() {
    return label;
  }
}
