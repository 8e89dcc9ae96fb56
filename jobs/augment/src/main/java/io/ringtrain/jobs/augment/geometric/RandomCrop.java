package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/** A width × height window at a uniformly drawn position (torchvision {@code RandomCrop} without padding). */
public final class RandomCrop implements Transform<CropWindow> {
    private final int width;
    private final int height;

    public RandomCrop(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("random_crop: size must be positive, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    @Override
    public String name() {
        return "random_crop";
    }

    @Override
    public CropWindow draw(SplittableRandom rng, ImageSize input) {
        if (width > input.width() || height > input.height()) {
            throw new IllegalArgumentException("random_crop: size " + width + "x" + height + " is larger than the image "
                    + input + "; use a smaller size or resize first");
        }
        int top = rng.nextInt(input.height() - height + 1);
        int left = rng.nextInt(input.width() - width + 1);
        return new CropWindow(left, top, width, height);
    }

    @Override
    public ImageSize outputSize(CropWindow params, ImageSize input) {
        return new ImageSize(params.width(), params.height());
    }

    @Override
    public Sample apply(CropWindow p, Sample sample) {
        return crop(sample, p, p.width(), p.height(), Interpolation.NEAREST);
    }

    /** Crops and resizes image and boxes (a box is shifted by the window and scaled by out/crop). */
    static Sample crop(Sample sample, CropWindow p, int outW, int outH, Interpolation interp) {
        Image img = sample.image();
        if (p.left() < 0 || p.top() < 0 || p.left() + p.width() > img.width() || p.top() + p.height() > img.height()) {
            throw new IllegalArgumentException("crop window " + p + " does not fit the image " + img.size());
        }
        Image out = Warp.resizedCrop(img, p.left(), p.top(), p.width(), p.height(), outW, outH, interp);
        double sx = (double) outW / p.width();
        double sy = (double) outH / p.height();
        return new Sample(out, sample.boxes().mapAxisAligned(sx, -p.left() * sx, sy, -p.top() * sy, out.size()));
    }
}
