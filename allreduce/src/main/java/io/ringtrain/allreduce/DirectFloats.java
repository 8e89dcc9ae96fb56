package io.ringtrain.allreduce;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * float32 values in native memory, little-endian, as they go on the wire: the ring all-reduce
 * sends its segments straight from this memory, as Gloo sends from a tensor's own memory. A
 * {@code float[]} or a {@link FloatBuffer} is first copied into a native frame for every segment
 * sent; with four ranks on two cores those copies are about a third of an all-reduce's user-space
 * CPU. Gradient buckets use it.
 *
 * <p>Read and write the values through {@link #floats()}. While a collective on this buffer is in
 * flight the caller must not touch it (as with any buffer); once it has completed, every frame
 * sent from it has been written, so the caller may change it at once.
 */
public final class DirectFloats {
  private final ByteBuffer bytes; // direct, little-endian, 4 bytes per value

  private DirectFloats(ByteBuffer bytes) {
    this.bytes = bytes;
  }

  /** {@code length} zeros. */
  public static DirectFloats allocate(int length) {
    if (length < 0 || length > Integer.MAX_VALUE / Float.BYTES) {
      throw new IllegalArgumentException("DirectFloats length " + length + " is outside 0.." + Integer.MAX_VALUE / Float.BYTES);
    }
    return new DirectFloats(ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN));
  }

  public int length() {
    return bytes.capacity() / Float.BYTES;
  }

  /** A view of all the values (position 0, limit {@link #length()}); writes go to this buffer. */
  public FloatBuffer floats() {
    return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  }

  /** A view of the raw little-endian bytes, for the transport. */
  public ByteBuffer bytes() {
    return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }
}
