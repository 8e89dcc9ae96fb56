package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.SampleRandom;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * Rotation by an angle drawn uniformly from [minDegrees, maxDegrees], counter-clockwise for positive
 * angles, about the image centre (torchvision {@code RandomRotation} / {@code F.rotate}). With
 * {@code expand} the output grows to hold the whole rotated input (torchvision's size formula);
 * otherwise it keeps the input size and the corners are cut. Uncovered pixels get {@code fill}.
 * Boxes become the axis-aligned rectangle enclosing their four rotated corners.
 */
public final class Rotate implements Transform<Rotate.Angle> {
    public record Angle(double degrees) implements Params {
    }

    private final double minDegrees;
    private final double maxDegrees;
    private final Interpolation interpolation;
    private final boolean expand;
    private final float fill;

    public Rotate(double minDegrees, double maxDegrees, Interpolation interpolation, boolean expand, float fill) {
        if (!(minDegrees <= maxDegrees)) {
            throw new IllegalArgumentException("rotate: degrees must be [min, max] with min <= max, got [" + minDegrees + ", " + maxDegrees + "]");
        }
        this.minDegrees = minDegrees;
        this.maxDegrees = maxDegrees;
        this.interpolation = interpolation;
        this.expand = expand;
        this.fill = fill;
    }

    @Override
    public String name() {
        return "rotate";
    }

    @Override
    public Angle draw(SplittableRandom rng, ImageSize input) {
        return new Angle(SampleRandom.uniform(rng, minDegrees, maxDegrees));
    }

    @Override
    public ImageSize outputSize(Angle params, ImageSize input) {
        if (!expand) {
            return input;
        }
        int[] wh = AffineMatrix.expandedSize(matrix(params.degrees()), input.width(), input.height());
        return new ImageSize(wh[0], wh[1]);
    }

    @Override
    public Sample apply(Angle params, Sample sample) {
        Image img = sample.image();
        double[] m = matrix(params.degrees());
        ImageSize out = outputSize(params, img.size());
        Image rotated = Warp.affine(img, m, out.width(), out.height(), interpolation, fill);
        double[] forward = AffineMatrix.forwardAbsolute(m, img.width(), img.height(), out.width(), out.height());
        return new Sample(rotated, sample.boxes().mapAffine(forward, out));
    }

    /** {@code F.rotate(img, angle, interpolation, expand, fill=[fill])} on a float tensor. */
    public static Image rotate(Image img, double degrees, Interpolation interpolation, boolean expand, float fill) {
        return new Rotate(degrees, degrees, interpolation, expand, fill).apply(new Angle(degrees), Sample.of(img)).image();
    }

    private static double[] matrix(double degrees) {
        return AffineMatrix.inverse(0, 0, -degrees, 0, 0, 1, 0, 0);
    }
}
