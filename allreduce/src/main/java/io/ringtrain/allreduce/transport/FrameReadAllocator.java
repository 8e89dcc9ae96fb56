package io.ringtrain.allreduce.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The receive buffers of one connection, chosen so that frames are read in place. Once the data
 * decoder is installed, the socket reads each frame's length field (with the data header after it,
 * when the decoder places payloads: {@link SizedFrameDecoder#headerBytesAfterLength}), then the
 * rest straight into the buffer the decoder offers ({@link SizedFrameDecoder#frameToFill()}): the
 * frame's own, or the collective's memory. Reading into shared buffers instead cut frames across
 * reads, and each cut frame was copied out of them: a copy of a good part of every byte received,
 * on the I/O thread, which showed in profiles of the four-rank all-reduce. The price is a read per
 * frame for its first bytes.
 *
 * <p>One instance per channel, set when the channel is initialised. Until {@link
 * PeerPipeline#promote} installs the data decoder (during the handshake), and with TLS, reads use
 * the buffers {@link Transport#receiveBuffers()} sizes: with TLS the socket carries ciphertext,
 * which must go through the TLS handler.
 */
public final class FrameReadAllocator implements RecvByteBufAllocator {
  private final RecvByteBufAllocator sizes = Transport.receiveBuffers();
  private SizedFrameDecoder decoder; // touched on the channel's event loop only

  /** From now on, reads while {@code frames} has a frame in progress go straight into it. */
  void readInto(SizedFrameDecoder frames) {
    this.decoder = frames;
  }

  @Override
  public Handle newHandle() {
    return new FrameHandle((ExtendedHandle) sizes.newHandle());
  }

  private final class FrameHandle extends DelegatingHandle implements ExtendedHandle {
    FrameHandle(ExtendedHandle sized) {
      super(sized);
    }

    @Override
    public ByteBuf allocate(ByteBufAllocator alloc) {
      if (decoder == null) return delegate().allocate(alloc);
      ByteBuf frame = decoder.frameToFill();
      // retained: the pipeline releases what it reads into; the decoder keeps its own reference
      if (frame != null) return frame.retain();
      int missing = decoder.lengthBytesMissing();
      // none missing: the decoder refused the length it read and the channel is closing
      if (missing == 0) return delegate().allocate(alloc);
      // the length field, and the data header after it when the decoder splits frames: one read
      // for both (every data frame is at least its header; a shorter abort frame may bring the
      // next frame's first bytes along, which the decoder then takes as from any buffer)
      return alloc.directBuffer(missing + decoder.headerBytesAfterLength());
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
      return ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
    }
  }
}
