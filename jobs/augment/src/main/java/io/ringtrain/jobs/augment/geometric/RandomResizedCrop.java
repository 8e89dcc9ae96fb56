package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomResizedCrop}: up to 10 attempts to draw a window whose area is a
 * fraction in [scale] of the image and whose log aspect ratio (w/h) is uniform in log[ratio]
 * (w = round(√(area·r)), h = round(√(area/r)), round half to even as Python does); the first that
 * fits is placed uniformly. If none fits: the largest centred window whose ratio is clamped into
 * [ratio]. The window is then resized to outW × outH (bilinear without antialiasing by default, like
 * torchvision's tensor path).
 */
public final class RandomResizedCrop implements Transform<CropWindow> {
    private final int outW;
    private final int outH;
    private final double minScale;
    private final double maxScale;
    private final double minRatio;
    private final double maxRatio;
    private final Interpolation interpolation;

    public RandomResizedCrop(int outW, int outH, double minScale, double maxScale, double minRatio, double maxRatio, Interpolation interpolation) {
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("random_resized_crop: size must be positive, got " + outW + "x" + outH);
        }
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException("random_resized_crop: scale must be [min, max] with 0 < min <= max <= 1, got [" + minScale + ", " + maxScale + "]");
        }
        if (!(minRatio > 0 && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("random_resized_crop: ratio must be [min, max] with 0 < min <= max, got [" + minRatio + ", " + maxRatio + "]");
        }
        this.outW = outW;
        this.outH = outH;
        this.minScale = minScale;
        this.maxScale = maxScale;
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
        this.interpolation = interpolation;
    }

    /** torchvision's defaults: scale [0.08, 1], ratio [3/4, 4/3], bilinear. */
    public static RandomResizedCrop ofSize(int outW, int outH) {
        return new RandomResizedCrop(outW, outH, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, Interpolation.BILINEAR);
    }

    @Override
    public String name() {
        return "random_resized_crop";
    }

    @Override
    public CropWindow draw(SplittableRandom rng, ImageSize input) {
        int width = input.width();
        int height = input.height();
        double area = input.area();
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * (minScale + (maxScale - minScale) * rng.nextDouble());
            double aspect = Math.exp(logMin + (logMax - logMin) * rng.nextDouble());
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new CropWindow(left, top, w, h);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < minRatio) {
            w = width;
            h = (int) Math.rint(w / minRatio);
        } else if (inRatio > maxRatio) {
            h = height;
            w = (int) Math.rint(h * maxRatio);
        } else {
            w = width;
            h = height;
        }
        return new CropWindow((width - w) / 2, (height - h) / 2, w, h);
    }

    @Override
    public ImageSize outputSize(CropWindow params, ImageSize input) {
        return new ImageSize(outW, outH);
    }

    @Override
    public Sample apply(CropWindow params, Sample sample) {
        return RandomCrop.crop(sample, params, outW, outH, interpolation);
    }

    /** {@code F.resized_crop(img, top, left, height, width, [outH, outW], interpolation)} on a float tensor. */
    public static Image resizedCrop(Image img, CropWindow window, int outW, int outH, Interpolation interpolation) {
        return RandomCrop.crop(Sample.of(img), window, outW, outH, interpolation).image();
    }
}
