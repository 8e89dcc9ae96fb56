package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/** Mirrors top–bottom (torchvision {@code F.vflip}); a box [y0, y1] becomes [h − y1, h − y0]. */
public final class VerticalFlip implements Transform<Params.None> {
    @Override
    public String name() {
        return "vertical_flip";
    }

    @Override
    public Params.None draw(SplittableRandom rng, ImageSize input) {
        return Params.None.INSTANCE;
    }

    @Override
    public Sample apply(Params.None params, Sample sample) {
        Image img = sample.image();
        ImageSize size = img.size();
        return new Sample(flip(img), sample.boxes().mapAxisAligned(1, 0, -1, size.height(), size));
    }

    /** Rows in reverse order, one System.arraycopy each (of the uint8 planes for a uint8 image). */
    public static Image flip(Image img) {
        int w = img.width();
        int h = img.height();
        byte[] in8 = img.uint8();
        if (in8 != null) {
            return Image.wrapChwUint8(img.channels(), w, h, reversedRows(img, in8, new byte[in8.length]));
        }
        float[] in = img.data();
        return Image.wrapChw(img.channels(), w, h, reversedRows(img, in, new float[in.length]));
    }

    /** {@code in}'s rows in reverse order into {@code out}, both CHW arrays of one primitive type. */
    private static <A> A reversedRows(Image img, A in, A out) {
        int w = img.width();
        int h = img.height();
        for (int c = 0; c < img.channels(); c++) {
            int plane = c * w * h;
            for (int y = 0; y < h; y++) {
                System.arraycopy(in, plane + (h - 1 - y) * w, out, plane + y * w, w);
            }
        }
        return out;
    }
}
