package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.SampleRandom;
import io.ringtrain.jobs.augment.Transform;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shifts the picture by whole pixels dx ∈ round(U(−maxFractionX·w, maxFractionX·w)) and likewise dy
 * (torchvision {@code RandomAffine(translate=...)}'s draw); uncovered pixels get {@code fill}. A
 * whole-pixel shift needs no resampling, so it is an exact copy.
 */
public final class Translate implements Transform<Translate.Shift> {
    public record Shift(int dx, int dy) implements Params {
    }

    private final double maxFractionX;
    private final double maxFractionY;
    private final float fill;

    public Translate(double maxFractionX, double maxFractionY, float fill) {
        if (!(maxFractionX >= 0 && maxFractionX <= 1 && maxFractionY >= 0 && maxFractionY <= 1)) {
            throw new IllegalArgumentException("translate: max fractions must be in [0, 1], got [" + maxFractionX + ", " + maxFractionY + "]");
        }
        this.maxFractionX = maxFractionX;
        this.maxFractionY = maxFractionY;
        this.fill = fill;
    }

    @Override
    public String name() {
        return "translate";
    }

    @Override
    public Shift draw(SplittableRandom rng, ImageSize input) {
        double maxDx = maxFractionX * input.width();
        double maxDy = maxFractionY * input.height();
        int dx = (int) Math.rint(SampleRandom.uniform(rng, -maxDx, maxDx));
        int dy = (int) Math.rint(SampleRandom.uniform(rng, -maxDy, maxDy));
        return new Shift(dx, dy);
    }

    @Override
    public Sample apply(Shift p, Sample sample) {
        Image img = sample.image();
        Image out = img.uint8() != null && fill == (int) fill && fill >= 0 && fill <= 255
                ? Image.wrapChwUint8(img.channels(), img.width(), img.height(), shifted(img, p, img.uint8(), new byte[img.uint8().length], (byte) (int) fill))
                : Image.wrapChw(img.channels(), img.width(), img.height(), shifted(img, p, img.data(), new float[img.data().length], fill));
        return new Sample(out, sample.boxes().mapAxisAligned(1, p.dx(), 1, p.dy(), img.size()));
    }

    /** Fills {@code [from, to)} of the output array with the fill value. */
    private interface RangeFill {
        void fill(int from, int to);
    }

    private static byte[] shifted(Image img, Shift p, byte[] in, byte[] out, byte fill) {
        return shifted(img, p, in, out, (from, to) -> Arrays.fill(out, from, to, fill));
    }

    private static float[] shifted(Image img, Shift p, float[] in, float[] out, float fill) {
        return shifted(img, p, in, out, (from, to) -> Arrays.fill(out, from, to, fill));
    }

    /**
     * {@code in} shifted by {@code p} into {@code out} (both CHW arrays of one primitive type): the
     * covered part of each row is one System.arraycopy; only the uncovered stripes are filled.
     */
    private static <A> A shifted(Image img, Shift p, A in, A out, RangeFill fill) {
        int w = img.width();
        int h = img.height();
        int x0 = Math.max(0, p.dx());
        int x1 = Math.max(x0, Math.min(w, w + p.dx()));
        int y0 = Math.max(0, Math.min(h, p.dy()));
        int y1 = Math.max(y0, Math.min(h, h + p.dy()));
        for (int c = 0; c < img.channels(); c++) {
            int plane = c * w * h;
            fill.fill(plane, plane + y0 * w);
            for (int y = y0; y < y1; y++) {
                int row = plane + y * w;
                fill.fill(row, row + x0);
                System.arraycopy(in, plane + (y - p.dy()) * w + x0 - p.dx(), out, row + x0, x1 - x0);
                fill.fill(row + x1, row + w);
            }
            fill.fill(plane + y1 * w, plane + h * w);
        }
        return out;
    }
}
