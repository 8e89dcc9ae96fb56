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

    public static Image flip(Image img) {
        int w = img.width();
        int rows = img.channels() * img.height();
        float[] in = img.data();
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            int base = r * w;
            int last = base + w - 1;
            for (int x = 0; x < w; x++) {
                out[base + x] = in[last - x];
            }
        }
        return Image.wrapChw(img.channels(), w, img.height(), out);
    }
}
