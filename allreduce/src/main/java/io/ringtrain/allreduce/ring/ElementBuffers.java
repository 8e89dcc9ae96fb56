package io.ringtrain.allreduce.ring;

import io.ringtrain.allreduce.Compression;
import io.ringtrain.allreduce.DirectFloats;
import java.nio.FloatBuffer;

/** Wraps a caller's array or buffer for the algorithms of one {@link Ring}. */
public final class ElementBuffers {
  private ElementBuffers() {}

  public static ElementBuffer of(float[] values, Ring ring) {
    return new FloatArrayElements(values, ring);
  }

  /** A float array all-reduced with the given wire {@code compression}. */
  public static ElementBuffer of(float[] values, Ring ring, Compression compression) {
    return compression == Compression.BF16 ? new Bf16FloatArrayElements(values, ring) : new FloatArrayElements(values, ring);
  }

  public static ElementBuffer of(double[] values, Ring ring) {
    return new DoubleArrayElements(values, ring);
  }

  /** Sent by the ring without copying (see {@link DirectFloatsElements}). */
  public static ElementBuffer of(DirectFloats values, Ring ring) {
    return new DirectFloatsElements(values, ring);
  }

  public static ElementBuffer of(FloatBuffer values, Ring ring) {
    return new FloatBufferElements(values, ring);
  }
}
