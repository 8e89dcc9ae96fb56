package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
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

    public static Image flip(Image img) {
        int w = img.width();
        int rows = img.channels() * img.height();
        float[] in = img.data();
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            int base = r * w;
            int done = VECTOR_API ? RowReverseVector.reverseRow(in, out, base, w) : 0;
            reverseRowsScalar(in, out, base, w, done);
        }
        return Image.wrapChw(img.channels(), w, img.height(), out);
    }

    /** The scalar reference: out[base + x] = in[base + w − 1 − x] for x in [from, w). */
    static void reverseRowsScalar(float[] in, float[] out, int base, int w, int from) {
        int last = base + w - 1;
        for (int x = from; x < w; x++) {
            out[base + x] = in[last - x];
        }
    }
}
