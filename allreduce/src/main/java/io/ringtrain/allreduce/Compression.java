package io.ringtrain.allreduce;

/**
 * How a float32 all-reduce travels on the wire.
 *
 * <p>{@link #BF16} sends bfloat16 (the top 16 bits of a float32, rounded to nearest even): half
 * the bytes, the same exponent range, 8 bits of mantissa (about 3 significant digits). Partial
 * sums are combined in float32 and rounded again each time they are sent, and the result every
 * rank receives is rounded to bfloat16, like PyTorch DDP's {@code bf16_compress_hook}. Results
 * stay bitwise identical on every rank. Meant for gradients, where the noise of SGD dwarfs the
 * rounding; not for statistics that must be exact (counts, BatchNorm moments).
 */
public enum Compression {
  NONE,
  BF16
}
