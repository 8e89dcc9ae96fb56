package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * Resizes to a fixed width × height, or (with {@link #shorterSide}) so that the shorter side becomes
 * {@code size} and the aspect ratio is kept (torchvision {@code Resize(int)}: the longer side is
 * int(size · long / short), truncated). Bilinear without antialiasing, or nearest.
 */
public final class Resize implements Transform<Params.None> {
    private final int width;
    private final int height;
    private final int shorterSide;
    private final Interpolation interpolation;

    private Resize(int width, int height, int shorterSide, Interpolation interpolation) {
        this.width = width;
        this.height = height;
        this.shorterSide = shorterSide;
        this.interpolation = interpolation;
    }

    public static Resize to(int width, int height, Interpolation interpolation) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize: size must be positive, got " + width + "x" + height);
        }
        return new Resize(width, height, 0, interpolation);
    }

    public static Resize shorterSide(int size, Interpolation interpolation) {
        if (size <= 0) {
            throw new IllegalArgumentException("resize: size must be positive, got " + size);
        }
        return new Resize(0, 0, size, interpolation);
    }

    @Override
    public String name() {
        return "resize";
    }

    @Override
    public Params.None draw(SplittableRandom rng, ImageSize input) {
        return Params.None.INSTANCE;
    }

    @Override
    public ImageSize outputSize(Params.None params, ImageSize input) {
        if (shorterSide == 0) {
            return new ImageSize(width, height);
        }
        int w = input.width();
        int h = input.height();
        return w <= h ? new ImageSize(shorterSide, (int) ((long) shorterSide * h / w))
                : new ImageSize((int) ((long) shorterSide * w / h), shorterSide);
    }

    @Override
    public Sample apply(Params.None params, Sample sample) {
        ImageSize in = sample.size();
        ImageSize out = outputSize(params, in);
        return RandomCrop.crop(sample, new CropWindow(0, 0, in.width(), in.height()), out.width(), out.height(), interpolation);
    }
}
