package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** Mirrors left–right (torchvision {@code F.hflip}); a box [x0, x1] becomes [w − x1, w − x0]. Wrap in RandomApply for a random flip. */
public final class HorizontalFlip implements Transform<Params.None> {
    @Override
    public String name() {
        return "horizontal_flip";
    }

    @Override
    public Params.None draw(SplittableRandom rng, ImageSize input) {
        return Params.None.INSTANCE;
    }

    @Override
    public Sample apply(Params.None params, Sample sample) {
        Image img = sample.image();
        ImageSize size = img.size();
        return new Sample(flip(img), sample.boxes().mapAxisAligned(-1, size.width(), 1, 0, size));
    }

    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Each row reversed: a uint8 image eight bytes at a time (one byte swap per long), a float image in vectors. */
    public static Image flip(Image img) {
        int w = img.width();
        int rows = img.channels() * img.height();
        byte[] in8 = img.uint8();
        if (in8 != null) {
            byte[] out = new byte[in8.length];
            for (int r = 0; r < rows; r++) {
                reverseRowUint8(in8, out, r * w, w);
            }
            return Image.wrapChwUint8(img.channels(), w, img.height(), out);
        }
        float[] in = img.data();
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            int base = r * w;
            int done = VECTOR_API ? RowReverseVector.reverseRow(in, out, base, w) : 0;
            reverseRowsScalar(in, out, base, w, done);
        }
        return Image.wrapChw(img.channels(), w, img.height(), out);
    }

    /** out[base + x] = in[base + w − 1 − x] for x in [0, w): the eight bytes ending at w − 1 − x, byte-swapped, start at x. */
    static void reverseRowUint8(byte[] in, byte[] out, int base, int w) {
        int x = 0;
        for (; x + 8 <= w; x += 8) {
            LONGS.set(out, base + x, Long.reverseBytes((long) LONGS.get(in, base + w - 8 - x)));
        }
        int last = base + w - 1;
        for (; x < w; x++) {
            out[base + x] = in[last - x];
        }
    }

    /** The scalar reference: out[base + x] = in[base + w − 1 − x] for x in [from, w). */
    static void reverseRowsScalar(float[] in, float[] out, int base, int w, int from) {
        int last = base + w - 1;
        for (int x = from; x < w; x++) {
            out[base + x] = in[last - x];
        }
    }
}
