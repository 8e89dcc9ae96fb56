package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.SampleRandom;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * A small random affine map (torchvision {@code RandomAffine}): rotation angle ∈ U(degrees) (clockwise
 * in image coordinates, as {@code F.affine}), whole-pixel translation as {@link Translate}, scale ∈
 * U(scale), shear x ∈ U(shearX) and y ∈ U(shearY) degrees; all combined into one inverse matrix
 * ({@link AffineMatrix#inverse}) and resampled once. Boxes become the rectangle enclosing their four
 * mapped corners.
 */
public final class Jitter implements Transform<Jitter.Affine> {
    public record Affine(double angle, int tx, int ty, double scale, double shearX, double shearY) implements Params {
    }

    private final double[] degrees;
    private final double maxFractionX;
    private final double maxFractionY;
    private final double[] scale;
    private final double[] shearX;
    private final double[] shearY;
    private final Interpolation interpolation;
    private final float fill;

    public Jitter(double[] degrees, double maxFractionX, double maxFractionY, double[] scale, double[] shearX, double[] shearY,
                  Interpolation interpolation, float fill) {
        checkRange("degrees", degrees, Double.NEGATIVE_INFINITY);
        checkRange("scale", scale, 0);
        if (!(scale[0] > 0)) {
            throw new IllegalArgumentException("jitter: scale must be > 0, got [" + scale[0] + ", " + scale[1] + "]");
        }
        checkRange("shear_x", shearX, -89);
        checkRange("shear_y", shearY, -89);
        if (!(maxFractionX >= 0 && maxFractionX <= 1 && maxFractionY >= 0 && maxFractionY <= 1)) {
            throw new IllegalArgumentException("jitter: translate fractions must be in [0, 1], got [" + maxFractionX + ", " + maxFractionY + "]");
        }
        this.degrees = degrees.clone();
        this.maxFractionX = maxFractionX;
        this.maxFractionY = maxFractionY;
        this.scale = scale.clone();
        this.shearX = shearX.clone();
        this.shearY = shearY.clone();
        this.interpolation = interpolation;
        this.fill = fill;
    }

    private static void checkRange(String name, double[] range, double lowest) {
        if (range.length != 2 || !(range[0] <= range[1]) || !(range[0] >= lowest)) {
            throw new IllegalArgumentException("jitter: " + name + " must be [min, max] with min <= max"
                    + (lowest > Double.NEGATIVE_INFINITY ? " and min >= " + lowest : "") + ", got " + java.util.Arrays.toString(range));
        }
    }

    @Override
    public String name() {
        return "jitter";
    }

    @Override
    public Affine draw(SplittableRandom rng, ImageSize input) {
        double angle = SampleRandom.uniform(rng, degrees[0], degrees[1]);
        double maxDx = maxFractionX * input.width();
        double maxDy = maxFractionY * input.height();
        int tx = (int) Math.rint(SampleRandom.uniform(rng, -maxDx, maxDx));
        int ty = (int) Math.rint(SampleRandom.uniform(rng, -maxDy, maxDy));
        double s = SampleRandom.uniform(rng, scale[0], scale[1]);
        double shx = SampleRandom.uniform(rng, shearX[0], shearX[1]);
        double shy = SampleRandom.uniform(rng, shearY[0], shearY[1]);
        return new Affine(angle, tx, ty, s, shx, shy);
    }

    @Override
    public Sample apply(Affine p, Sample sample) {
        Image img = sample.image();
        double[] m = AffineMatrix.inverse(0, 0, p.angle(), p.tx(), p.ty(), p.scale(), p.shearX(), p.shearY());
        Image out = Warp.affine(img, m, img.width(), img.height(), interpolation, fill);
        double[] forward = AffineMatrix.forwardAbsolute(m, img.width(), img.height(), img.width(), img.height());
        return new Sample(out, sample.boxes().mapAffine(forward, img.size()));
    }

    /** {@code F.affine(img, angle, [tx, ty], scale, [shearX, shearY], interpolation, fill=[fill])} on a float tensor. */
    public static Image affine(Image img, double angle, double tx, double ty, double scale, double shearX, double shearY,
                               Interpolation interpolation, float fill) {
        double[] m = AffineMatrix.inverse(0, 0, angle, tx, ty, scale, shearX, shearY);
        return Warp.affine(img, m, img.width(), img.height(), interpolation, fill);
    }
}
