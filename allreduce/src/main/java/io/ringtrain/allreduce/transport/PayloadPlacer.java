package io.ringtrain.allreduce.transport;

import io.netty.buffer.ByteBuf;

/**
 * Chooses where a data frame's payload is read to, once its header has arrived: the memory of the
 * collective's own buffer where the collective has posted it ({@link PeerLink#post}), so the
 * socket writes the bytes where they end up, as Gloo receives into a tensor. Called on the
 * channel's event loop.
 */
interface PayloadPlacer {
  /**
   * An empty buffer of exactly {@code payloadBytes} over the posted memory for the frame whose
   * header (type byte first) is {@code header}, or null when nothing is posted for it.
   */
  ByteBuf placeFor(ByteBuf header, int payloadBytes);
}
